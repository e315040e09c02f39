package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** tanh(x). Backward: (1 - y^2) g from the output y. */
public final class Tanh extends UnaryFunction {

    private Tanh(Tensor input) {
        super(input);
    }

    /** Applies the function elementwise. */
    public static Tensor apply(Tensor input) {
        return new Tanh(input).result();
    }

    @Override
    protected INDArray forward() {
        return Transforms.tanh(x, true);
    }

    @Override
    protected INDArray derivative(INDArray g, INDArray y) {
        return g.mul(y.mul(y).rsubi(1));
    }
}
