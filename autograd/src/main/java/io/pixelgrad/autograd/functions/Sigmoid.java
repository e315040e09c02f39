package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** 1 / (1 + e^-x). Backward: y (1 - y) g from the output y. */
public final class Sigmoid extends UnaryFunction {

    private Sigmoid(Tensor input) {
        super(input);
    }

    /** Applies the function elementwise. */
    public static Tensor apply(Tensor input) {
        return new Sigmoid(input).result();
    }

    @Override
    protected INDArray forward() {
        return Transforms.sigmoid(x, true);
    }

    @Override
    protected INDArray derivative(INDArray g, INDArray y) {
        return g.mul(y).muli(y.rsub(1));
    }
}
