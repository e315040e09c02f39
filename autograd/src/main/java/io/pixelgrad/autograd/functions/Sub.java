package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** a - b. Backward: g to a, -g to b. */
public final class Sub extends BinaryFunction {

    private Sub(Tensor x, Tensor y) {
        super(x, y);
    }

    /** Elementwise, with NumPy broadcasting. */
    public static Tensor apply(Tensor x, Tensor y) {
        return new Sub(x, y).result();
    }

    @Override
    protected INDArray forward() {
        return a.sub(b);
    }

    @Override
    protected INDArray gradA(INDArray g) {
        return g.dup();
    }

    @Override
    protected INDArray gradB(INDArray g) {
        return g.neg();
    }
}
