package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.optim.Closure;
import io.pixelgrad.autograd.optim.Optimizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * The step of FGSM and PGD: p &lt;- p - alpha * sign(g) for the loss gradient g (sign(0) = 0, as torch.sign). As an
 * optimizer it minimizes the loss -objective, so with the objective CE(label) it moves by +alpha * sign(dCE/dp), the
 * torchattacks update; alpha is rounded to the parameters' type first, as PyTorch multiplies a tensor by a scalar.
 */
final class SignStep extends Optimizer {

    /** A step of size alpha over the parameter arrays. */
    public SignStep(List<INDArray> params, double alpha) {
        super(params);
        setLearningRate(alpha);
    }

    @Override
    public double step(Closure closure) {
        double loss = evaluate(closure);
        for (int i = 0; i < parameters().size(); i++) {
            INDArray step = org.nd4j.linalg.ops.transforms.Transforms.sign(gradients().get(i), true).muli(rounded(learningRate()));
            parameters().get(i).subi(step);
            io.pixelgrad.engine.Arrays.release(step);
        }
        countStep();
        return loss;
    }

    @Override
    protected void releaseState() {
    }
}
