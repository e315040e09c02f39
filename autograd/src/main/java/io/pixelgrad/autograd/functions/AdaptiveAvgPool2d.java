package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Average pooling to a fixed output size whatever the input size (cells may overlap). */
public final class AdaptiveAvgPool2d extends Function {

    private final long[] inputShape;

    private AdaptiveAvgPool2d(Tensor x) {
        super(x);
        this.inputShape = x.shape();
    }

    /** Pools x to outH x outW. */
    public static Tensor apply(Tensor x, int outH, int outW) {
        return new AdaptiveAvgPool2d(x).output(KERNELS.adaptiveAvgPool2d(x.value(), outH, outW));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{KERNELS.adaptiveAvgPool2dBackward(g, inputShape)};
    }
}
