package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** a / b. Backward: g / b to a, -g * a / b^2 to b. */
public final class Div extends BinaryFunction {

    private Div(Tensor x, Tensor y) {
        super(x, y);
    }

    /** Elementwise, with NumPy broadcasting. */
    public static Tensor apply(Tensor x, Tensor y) {
        return new Div(x, y).result();
    }

    @Override
    protected INDArray forward() {
        return a.div(b);
    }

    @Override
    protected INDArray gradA(INDArray g) {
        return g.div(b);
    }

    @Override
    protected INDArray gradB(INDArray g) {
        return g.mul(a).divi(b).divi(b).negi();
    }
}
