package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * y[n,c,h,w] = x[n,c,h,w] * scale[c] + shift[c] with fixed numbers per channel (a normalization such as ImageNet's
 * mean and standard deviation). Backward: g * scale[c].
 */
public final class ChannelAffine extends Function {

    private final INDArray scale;

    private ChannelAffine(Tensor x, INDArray scale) {
        super(x);
        this.scale = scale;
    }

    /** Scales and shifts every channel of x [N,C,H,W]. */
    public static Tensor apply(Tensor x, double[] scale, double[] shift) {
        if (x.rank() != 4 || x.size(1) != scale.length || (shift != null && shift.length != scale.length))
            throw new IllegalArgumentException("a per-channel affine map of " + scale.length + " channels got "
                    + java.util.Arrays.toString(x.shape()));
        INDArray s = Nd4j.createFromArray(scale).castTo(x.dataType());
        INDArray b = shift == null ? null : Nd4j.createFromArray(shift).castTo(x.dataType());
        INDArray y = KERNELS.channelAffine(x.value(), s, b);
        Arrays.release(b);
        return new ChannelAffine(x, s).output(y);
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{KERNELS.channelAffine(g, scale, null)};
    }

    @Override
    protected void release() {
        Arrays.release(scale);
    }
}
