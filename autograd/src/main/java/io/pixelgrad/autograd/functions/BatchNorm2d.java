package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalization at inference: (x - running_mean) / sqrt(running_var + eps) * weight + bias, per channel.
 * With the statistics fixed it is a per-channel affine map, so dx = g * weight / sqrt(var + eps).
 */
public final class BatchNorm2d extends Function {

    private final INDArray normalized;  // (x - mean) / sqrt(var + eps), for the weight gradient
    private final INDArray scale;       // weight / sqrt(var + eps) per channel, for the input gradient

    private BatchNorm2d(Tensor x, Tensor weight, Tensor bias, INDArray normalized, INDArray scale) {
        super(x, weight, bias);
        this.normalized = normalized;
        this.scale = scale;
    }

    /** Normalizes x [N,C,H,W] with fixed running statistics [C] and affine weight and bias [C]. */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, INDArray runningMean, INDArray runningVar, double eps) {
        long c = x.size(1);
        INDArray invStd = Transforms.pow(runningVar.add(eps), -0.5, false);
        INDArray normalized = x.value().sub(perChannel(runningMean, x)).muli(perChannel(invStd, x));
        INDArray scale = invStd.mul(weight.value());
        INDArray y = normalized.mul(perChannel(weight.value(), x)).addi(perChannel(bias.value(), x));
        Arrays.release(invStd);
        if (c != weight.value().length()) throw new IllegalArgumentException("batch norm: " + c + " channels, " + weight.value().length() + " weights");
        return new BatchNorm2d(x, weight, bias, normalized, scale).output(y);
    }

    private static INDArray perChannel(INDArray v, Tensor x) {
        return v.reshape(1, x.size(1), 1, 1).broadcast(x.shape());
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        INDArray dx = needs(0) ? g.mul(scale.reshape(1, g.size(1), 1, 1).broadcast(g.shape())) : null;
        INDArray dw = needs(1) ? g.mul(normalized).sum(0, 2, 3) : null;
        INDArray db = needs(2) ? g.sum(0, 2, 3) : null;
        return new INDArray[]{dx, dw, db};
    }

    @Override
    protected void release() {
        Arrays.release(normalized, scale);
    }
}
