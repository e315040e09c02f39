package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.optim.Sgd;

/**
 * Class model visualization (Simonyan et al. 2013): the model input x that maximizes a class score minus an L2
 * penalty, S_c(x) - lambda * sum x^2, by plain gradient ascent from the zero (dataset-mean) image. The paper does not
 * state lambda or the step; pixelgrad's defaults follow utkuozbulak/pytorch-cnn-visualizations: step 6, 150 steps,
 * lambda 5e-5 (its weight decay of 1e-4 on x is lambda = 5e-5 on sum x^2).
 */
public final class ClassModel {

    /** Default step size of the ascent. */
    public static final double LR = 6;
    /** Default L2 weight. */
    public static final double LAMBDA = 5e-5;
    /** Default number of steps. */
    public static final int STEPS = 150;

    private ClassModel() {
    }

    /** The objective S_c - lambda * sum x^2. */
    public static Objective objective(int classIndex, double lambda) {
        return Objective.classLogit(classIndex).minus(Objective.inputSquares().times(lambda));
    }

    /** A loop for the class model of a class with the defaults, at the model's input size (side x side). */
    public static RenderLoop of(Module model, InputSpace space, int classIndex, int channels, int side) {
        ImageParam param = ImageParam.input(1, channels, side, side, space);
        return RenderLoop.of(model, space, param, objective(classIndex, LAMBDA))
                .optimizer(p -> Sgd.builder(p).lr(LR).build())
                .steps(STEPS);
    }
}
