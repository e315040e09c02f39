package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.optim.Closure;
import io.pixelgrad.autograd.optim.Optimizer;
import io.pixelgrad.vis.Passes;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * DeepDream's step: gradient ascent with a normalized step, p &lt;- p + step * g / (mean|g| + 1e-8) (google/deepdream),
 * or with g normalized by a Laplacian pyramid (the TensorFlow notebook). As an optimizer it minimizes the loss
 * -objective, so it moves against the loss gradient.
 */
public final class DreamStep extends Optimizer {

    /** How the gradient is normalized. */
    public enum Normalization {
        /** Divide by the mean absolute value (plus 1e-8). */
        MEAN,
        /** Laplacian-pyramid normalization with 4 levels. */
        LAPLACIAN
    }

    private final Normalization normalization;

    /** A step of the given size over one parameter array [1,C,H,W]. */
    public DreamStep(List<INDArray> params, double stepSize, Normalization normalization) {
        super(params);
        if (params.size() != 1 || params.get(0).rank() != 4)
            throw new IllegalArgumentException("DeepDream's step works on one picture-shaped array [N,C,H,W]");
        setLearningRate(stepSize);
        this.normalization = normalization;
    }

    @Override
    public double step(Closure closure) {
        double loss = evaluate(closure);
        INDArray p = parameters().get(0), g = gradients().get(0);
        if (normalization == Normalization.MEAN) {
            double mean = g.ameanNumber().doubleValue();
            INDArray step = g.mul(rounded(learningRate() / (mean + 1e-8)));
            p.subi(step);
            io.pixelgrad.engine.Arrays.release(step);
        } else {
            long n = p.size(0), c = p.size(1), h = p.size(2), w = p.size(3);
            double[] all = Passes.values(g);
            int size = (int) (c * h * w);
            double[] out = new double[all.length];
            for (int b = 0; b < n; b++) {
                double[] one = java.util.Arrays.copyOfRange(all, b * size, (b + 1) * size);
                System.arraycopy(LaplacianPyramid.normalize(one, (int) c, (int) h, (int) w, 4), 0, out, b * size, size);
            }
            for (int i = 0; i < out.length; i++) out[i] *= learningRate();
            INDArray step = Passes.array(out, p.dataType(), p.shape());
            p.subi(step);
            io.pixelgrad.engine.Arrays.release(step);
        }
        countStep();
        return loss;
    }

    @Override
    protected void releaseState() {
    }
}
