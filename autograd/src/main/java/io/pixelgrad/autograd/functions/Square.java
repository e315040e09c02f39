package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** x^2. Backward: 2 x g. */
public final class Square extends UnaryFunction {

    private Square(Tensor input) {
        super(input);
    }

    /** Applies the function elementwise. */
    public static Tensor apply(Tensor input) {
        return new Square(input).result();
    }

    @Override
    protected INDArray forward() {
        return x.mul(x);
    }

    @Override
    protected INDArray derivative(INDArray g, INDArray y) {
        return g.mul(x).muli(2);
    }
}
