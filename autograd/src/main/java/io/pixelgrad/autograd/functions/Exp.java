package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** e^x. Backward: e^x g, reusing the output. */
public final class Exp extends UnaryFunction {

    private Exp(Tensor input) {
        super(input);
    }

    /** Applies the function elementwise. */
    public static Tensor apply(Tensor input) {
        return new Exp(input).result();
    }

    @Override
    protected INDArray forward() {
        return Transforms.exp(x, true);
    }

    @Override
    protected INDArray derivative(INDArray g, INDArray y) {
        return g.mul(y);
    }
}
