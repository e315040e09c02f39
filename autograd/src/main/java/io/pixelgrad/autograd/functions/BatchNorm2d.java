package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalization at inference: (x - running_mean) / sqrt(running_var + eps) * weight + bias, per channel.
 * With the statistics fixed it is a per-channel affine map x * scale + shift, so dx = g * scale.
 */
public final class BatchNorm2d extends Function {

    private final INDArray input;     // for the weight gradient
    private final INDArray mean, invStd;
    private final INDArray scale;     // weight / sqrt(var + eps) per channel, for the input gradient

    private BatchNorm2d(Tensor x, Tensor weight, Tensor bias, INDArray mean, INDArray invStd, INDArray scale) {
        super(x, weight, bias);
        this.input = x.value();
        this.mean = mean;
        this.invStd = invStd;
        this.scale = scale;
    }

    /** Normalizes x [N,C,H,W] with fixed running statistics [C] and affine weight and bias [C]. */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, INDArray runningMean, INDArray runningVar, double eps) {
        if (x.rank() != 4 || x.size(1) != weight.value().length())
            throw new IllegalArgumentException("batch norm over " + weight.value().length() + " channels got input "
                    + java.util.Arrays.toString(x.shape()));
        INDArray invStd = Transforms.pow(runningVar.add(eps), -0.5, false);
        INDArray scale = invStd.mul(weight.value());
        INDArray shift = bias.value().sub(runningMean.mul(scale));
        INDArray y = KERNELS.channelAffine(x.value(), scale, shift);
        Arrays.release(shift);
        return new BatchNorm2d(x, weight, bias, runningMean, invStd, scale).output(y);
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        INDArray dx = needs(0) ? KERNELS.channelAffine(g, scale, null) : null;
        INDArray dw = null;
        if (needs(1)) {
            // d/dweight = sum over n,h,w of g * (x - mean) / sqrt(var + eps)
            INDArray normalized = KERNELS.channelAffine(input, invStd, mean.mul(invStd).negi());
            INDArray product = g.mul(normalized);
            dw = Arrays.sum(product, 0, 2, 3);
            Arrays.release(normalized, product);
        }
        INDArray db = needs(2) ? Arrays.sum(g, 0, 2, 3) : null;
        return new INDArray[]{dx, dw, db};
    }

    @Override
    protected void release() {
        Arrays.release(invStd, scale);
    }
}
