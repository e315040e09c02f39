package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** a + b. Backward: the gradient goes unchanged to both operands (summed over broadcast dimensions). */
public final class Add extends BinaryFunction {

    private Add(Tensor x, Tensor y) {
        super(x, y);
    }

    /** Elementwise, with NumPy broadcasting. */
    public static Tensor apply(Tensor x, Tensor y) {
        return new Add(x, y).result();
    }

    @Override
    protected INDArray forward() {
        return a.add(b);
    }

    @Override
    protected INDArray gradA(INDArray g) {
        return g.dup();
    }

    @Override
    protected INDArray gradB(INDArray g) {
        return g.dup();
    }
}
