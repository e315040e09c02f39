package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** a * b. Backward: g * b to a, g * a to b. */
public final class Mul extends BinaryFunction {

    private Mul(Tensor x, Tensor y) {
        super(x, y);
    }

    /** Elementwise, with NumPy broadcasting. */
    public static Tensor apply(Tensor x, Tensor y) {
        return new Mul(x, y).result();
    }

    @Override
    protected INDArray forward() {
        return a.mul(b);
    }

    @Override
    protected INDArray gradA(INDArray g) {
        return g.mul(b);
    }

    @Override
    protected INDArray gradB(INDArray g) {
        return g.mul(a);
    }
}
