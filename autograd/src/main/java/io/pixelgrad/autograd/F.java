package io.pixelgrad.autograd;

import io.pixelgrad.autograd.functions.AdaptiveAvgPool2d;
import io.pixelgrad.autograd.functions.Abs;
import io.pixelgrad.autograd.functions.Add;
import io.pixelgrad.autograd.functions.InverseRealDft2d;
import io.pixelgrad.autograd.functions.Affine;
import io.pixelgrad.autograd.functions.AvgPool2d;
import io.pixelgrad.autograd.functions.BatchNorm2d;
import io.pixelgrad.autograd.functions.BatchNorm2dTraining;
import io.pixelgrad.autograd.functions.Concat;
import io.pixelgrad.autograd.functions.Conv2d;
import io.pixelgrad.autograd.functions.Div;
import io.pixelgrad.autograd.functions.Dropout;
import io.pixelgrad.autograd.functions.Exp;
import io.pixelgrad.autograd.functions.Linear;
import io.pixelgrad.autograd.functions.LocalResponseNorm;
import io.pixelgrad.autograd.functions.Log;
import io.pixelgrad.autograd.functions.MaxPool2d;
import io.pixelgrad.autograd.functions.Mul;
import io.pixelgrad.autograd.functions.NllLoss;
import io.pixelgrad.autograd.functions.Pad;
import io.pixelgrad.autograd.functions.Pow;
import io.pixelgrad.autograd.functions.Relu;
import io.pixelgrad.autograd.functions.Reshape;
import io.pixelgrad.autograd.functions.ResizeBilinear;
import io.pixelgrad.autograd.functions.Roll;
import io.pixelgrad.autograd.functions.SampleBilinear;
import io.pixelgrad.autograd.functions.SeparableLinear;
import io.pixelgrad.autograd.functions.Sigmoid;
import io.pixelgrad.autograd.functions.Slice;
import io.pixelgrad.autograd.functions.Softmax;
import io.pixelgrad.autograd.functions.Square;
import io.pixelgrad.autograd.functions.Sub;
import io.pixelgrad.autograd.functions.Sum;
import io.pixelgrad.autograd.functions.Tanh;
import io.pixelgrad.engine.ConvSpec;
import io.pixelgrad.engine.PoolSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/** Every differentiable function in one place, as short static calls (like torch.nn.functional). */
public final class F {

    private F() {
    }

    /** 2-D convolution (bias may be null). */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, ConvSpec spec) {
        return Conv2d.apply(x, weight, bias, spec);
    }

    /** max(x, 0). */
    public static Tensor relu(Tensor x) {
        return Relu.apply(x);
    }

    /** Max pooling with switches. */
    public static Tensor maxPool2d(Tensor x, PoolSpec spec) {
        return MaxPool2d.apply(x, spec);
    }

    /** Average pooling. */
    public static Tensor avgPool2d(Tensor x, PoolSpec spec) {
        return AvgPool2d.apply(x, spec);
    }

    /** Adaptive average pooling to outH x outW. */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        return AdaptiveAvgPool2d.apply(x, outH, outW);
    }

    /** x W^T + b (bias may be null). */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Linear.apply(x, weight, bias);
    }

    /** [N, ...] to [N, rest]. */
    public static Tensor flatten(Tensor x) {
        return Reshape.flatten(x);
    }

    /** The same values in a new shape. */
    public static Tensor reshape(Tensor x, long... shape) {
        return Reshape.apply(x, shape);
    }

    /** Training-time dropout with a seeded generator. */
    public static Tensor dropout(Tensor x, double p, Random random) {
        return Dropout.apply(x, p, random);
    }

    /** Dropout with a given keep-mask (row-major, true = kept); survivors are scaled by 1/(1-p). */
    public static Tensor dropout(Tensor x, double p, boolean[] keep) {
        return Dropout.apply(x, p, keep);
    }

    /** Batch norm in training mode: batch statistics, running statistics updated in place with the momentum. */
    public static Tensor batchNormTraining(Tensor x, Tensor weight, Tensor bias, INDArray runningMean, INDArray runningVar,
                                           double momentum, double eps) {
        return BatchNorm2dTraining.apply(x, weight, bias, eps, runningMean, runningVar, momentum);
    }

    /** Mean over the batch of -logProbabilities[n, targets[n]] (a 0-d tensor). */
    public static Tensor nllLoss(Tensor logProbabilities, int[] targets) {
        return NllLoss.apply(logProbabilities, targets);
    }

    /** Cross-entropy of scores [N, K] against target classes: log-softmax, then the negative log-likelihood's mean. */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return NllLoss.apply(Softmax.logSoftmax(logits), targets);
    }

    /** Batch norm with fixed statistics. */
    public static Tensor batchNorm(Tensor x, Tensor weight, Tensor bias, INDArray mean, INDArray var, double eps) {
        return BatchNorm2d.apply(x, weight, bias, mean, var, eps);
    }

    /** Local response normalization. */
    public static Tensor lrn(Tensor x, int size, double alpha, double beta, double k) {
        return LocalResponseNorm.apply(x, size, alpha, beta, k);
    }

    /** a + b with broadcasting. */
    public static Tensor add(Tensor a, Tensor b) {
        return Add.apply(a, b);
    }

    /** a - b with broadcasting. */
    public static Tensor sub(Tensor a, Tensor b) {
        return Sub.apply(a, b);
    }

    /** a * b with broadcasting. */
    public static Tensor mul(Tensor a, Tensor b) {
        return Mul.apply(a, b);
    }

    /** a / b with broadcasting. */
    public static Tensor div(Tensor a, Tensor b) {
        return Div.apply(a, b);
    }

    /** x + c. */
    public static Tensor add(Tensor x, double c) {
        return Affine.apply(x, 1, c);
    }

    /** x * c. */
    public static Tensor mul(Tensor x, double c) {
        return Affine.apply(x, c, 0);
    }

    /** scale * x + shift. */
    public static Tensor affine(Tensor x, double scale, double shift) {
        return Affine.apply(x, scale, shift);
    }

    /** Sum over dims (all when none). */
    public static Tensor sum(Tensor x, int... dims) {
        return Sum.sum(x, dims);
    }

    /** Mean over dims (all when none). */
    public static Tensor mean(Tensor x, int... dims) {
        return Sum.mean(x, dims);
    }

    /** x^2. */
    public static Tensor square(Tensor x) {
        return Square.apply(x);
    }

    /** x^p. */
    public static Tensor pow(Tensor x, double p) {
        return Pow.apply(x, p);
    }

    /** |x|. */
    public static Tensor abs(Tensor x) {
        return Abs.apply(x);
    }

    /** e^x. */
    public static Tensor exp(Tensor x) {
        return Exp.apply(x);
    }

    /** ln x. */
    public static Tensor log(Tensor x) {
        return Log.apply(x);
    }

    /** The logistic function. */
    public static Tensor sigmoid(Tensor x) {
        return Sigmoid.apply(x);
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        return Tanh.apply(x);
    }

    /** Softmax along dimension 1 of [N, K]. */
    public static Tensor softmax(Tensor x) {
        return Softmax.softmax(x);
    }

    /** Log-softmax along dimension 1 of [N, K]. */
    public static Tensor logSoftmax(Tensor x) {
        return Softmax.logSoftmax(x);
    }

    /** Constant padding of H and W. */
    public static Tensor pad(Tensor x, int top, int bottom, int left, int right, double value) {
        return Pad.apply(x, top, bottom, left, right, value);
    }

    /** Indices [from, to) of one dimension. */
    public static Tensor slice(Tensor x, int dim, long from, long to) {
        return Slice.apply(x, dim, from, to);
    }

    /** A spatial crop of [N,C,H,W]. */
    public static Tensor crop(Tensor x, long top, long left, long height, long width) {
        return Slice.crop(x, top, left, height, width);
    }

    /** Circular shift along one dimension. */
    public static Tensor roll(Tensor x, int dim, long shift) {
        return Roll.apply(x, dim, shift);
    }

    /** Concatenation along dim. */
    public static Tensor concat(int dim, Tensor... xs) {
        return Concat.apply(dim, xs);
    }

    /** Bilinear resize with align_corners=false. */
    public static Tensor resizeBilinear(Tensor x, int outH, int outW) {
        return ResizeBilinear.apply(x, outH, outW);
    }

    /** Bilinear resize with align_corners=true (the first and last pixels of input and output coincide). */
    public static Tensor resizeBilinearAlignCorners(Tensor x, int outH, int outW) {
        return SeparableLinear.apply(x, alignCorners(x.size(2), outH, x.dataType()), alignCorners(x.size(3), outW, x.dataType()));
    }

    private static final java.util.Map<String, INDArray> ALIGN_CORNERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The interpolation matrix of an align-corners resize, made once per size and type and kept (a few kB each). */
    private static INDArray alignCorners(long in, long out, org.nd4j.linalg.api.buffer.DataType t) {
        // made outside any step's memory block: the cache outlives the step that first asks
        return ALIGN_CORNERS.computeIfAbsent(in + ">" + out + ":" + t, k -> io.pixelgrad.engine.StepMemory.outside(() -> {
            INDArray m = org.nd4j.linalg.factory.Nd4j.createFromArray(io.pixelgrad.engine.Interpolation.bilinearAlignCorners(in, out)).castTo(t);
            m.setCloseable(false);
            return m;
        }));
    }

    /** x * scale[c] + shift[c] per channel of [N,C,H,W], with fixed numbers (shift may be null). */
    public static Tensor channelAffine(Tensor x, double[] scale, double[] shift) {
        return io.pixelgrad.autograd.functions.ChannelAffine.apply(x, scale, shift);
    }

    /** y = R x C^T on every plane (fixed matrices the caller owns). */
    public static Tensor separableLinear(Tensor x, INDArray rows, INDArray cols) {
        return SeparableLinear.apply(x, rows, cols);
    }

    /** Planes [N,C,H,W] from scaled half spectra [N,C,H,W/2+1,2]: the inverse real 2-D DFT of a plan the caller owns. */
    public static Tensor inverseRealDft2d(Tensor spectra, InverseRealDft2d.Plan plan) {
        return InverseRealDft2d.apply(spectra, plan);
    }

    /** Bilinear sampling of every plane at fixed positions (outside counts 0). */
    public static Tensor sampleBilinear(Tensor x, io.pixelgrad.engine.BilinearSampler sampler) {
        return SampleBilinear.apply(x, sampler);
    }
}
