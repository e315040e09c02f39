package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.ConvGradients;
import io.pixelgrad.engine.ConvSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2-D cross-correlation. Backward: to the input, the transposed convolution of the gradient with the same weights;
 * to the weights, the correlation of input and gradient (skipped when the weights are frozen).
 */
public final class Conv2d extends Function {

    private final INDArray input;   // saved for the weight gradient
    private final INDArray weight;  // saved for the input gradient
    private final boolean hasBias;
    private final ConvSpec spec;

    private Conv2d(Tensor x, Tensor weight, Tensor bias, ConvSpec spec) {
        super(bias == null ? new Tensor[]{x, weight} : new Tensor[]{x, weight, bias});
        this.input = x.value();
        this.weight = weight.value();
        this.hasBias = bias != null;
        this.spec = spec;
    }

    /** Convolves x [N,C,H,W] with weight [O,C/groups,kH,kW] and adds bias [O] (bias may be null). */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, ConvSpec spec) {
        Conv2d f = new Conv2d(x, weight, bias, spec);
        return f.output(KERNELS.conv2d(x.value(), weight.value(), bias == null ? null : bias.value(), spec));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        boolean wantWeights = needs(1) || (hasBias && needs(2));
        ConvGradients grads = KERNELS.conv2dBackward(input, weight, hasBias, g, spec, needs(0), wantWeights);
        return hasBias ? new INDArray[]{grads.input(), grads.weight(), grads.bias()} : new INDArray[]{grads.input(), grads.weight()};
    }
}
