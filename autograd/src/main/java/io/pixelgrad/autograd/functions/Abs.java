package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** |x|. Backward: sign(x) g (0 at x = 0, as PyTorch). */
public final class Abs extends UnaryFunction {

    private Abs(Tensor input) {
        super(input);
    }

    /** Applies the function elementwise. */
    public static Tensor apply(Tensor input) {
        return new Abs(input).result();
    }

    @Override
    protected INDArray forward() {
        return Transforms.abs(x, true);
    }

    @Override
    protected INDArray derivative(INDArray g, INDArray y) {
        return g.mul(Transforms.sign(x, true));
    }
}
