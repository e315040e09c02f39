package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Same values in a new shape (row-major order, so Flatten gives PyTorch's C*H*W order). */
public final class Reshape extends Function {

    private final long[] inputShape;

    private Reshape(Tensor x) {
        super(x);
        this.inputShape = x.shape();
    }

    /** Reshapes x; one dimension may be -1. The result is a fresh copy, so the tape owns it outright. */
    public static Tensor apply(Tensor x, long... shape) {
        return new Reshape(x).output(Arrays.reshapeCopy(x.value(), shape));
    }

    /** Flattens [N, ...] to [N, rest] in channel-major order. */
    public static Tensor flatten(Tensor x) {
        return apply(x, x.size(0), -1);
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{Arrays.reshapeCopy(g, inputShape)};
    }
}
