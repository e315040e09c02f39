package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.PoolSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Average over each window (zero padding counted). Backward spreads each gradient evenly over its window. */
public final class AvgPool2d extends Function {

    private final long[] inputShape;
    private final PoolSpec spec;

    private AvgPool2d(Tensor x, PoolSpec spec) {
        super(x);
        this.inputShape = x.shape();
        this.spec = spec;
    }

    /** Averages each window of x. */
    public static Tensor apply(Tensor x, PoolSpec spec) {
        return new AvgPool2d(x, spec).output(KERNELS.avgPool2d(x.value(), spec));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{KERNELS.avgPool2dBackward(g, inputShape, spec)};
    }
}
