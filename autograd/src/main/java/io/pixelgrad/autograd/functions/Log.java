package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Natural logarithm. Backward: g / x. */
public final class Log extends UnaryFunction {

    private Log(Tensor input) {
        super(input);
    }

    /** Applies the function elementwise. */
    public static Tensor apply(Tensor input) {
        return new Log(input).result();
    }

    @Override
    protected INDArray forward() {
        return Transforms.log(x, true);
    }

    @Override
    protected INDArray derivative(INDArray g, INDArray y) {
        return g.div(x);
    }
}
