package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.ConvSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Convolution layer with parameters "weight" [O, I/groups, kH, kW] and "bias" [O]. */
public final class Conv2d extends Module {

    private final Parameter weight, bias;
    private final ConvSpec spec;
    private final int inChannels, outChannels, kernel;

    /** A square-kernel convolution with zero weights (load or initialize them afterwards). */
    public Conv2d(int inChannels, int outChannels, int kernel, ConvSpec spec, boolean withBias) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.spec = spec;
        this.weight = addParameter("weight", Allocation.weights(DataType.FLOAT, outChannels, inChannels / spec.groups(), kernel, kernel));
        this.bias = withBias ? addParameter("bias", Nd4j.zeros(DataType.FLOAT, outChannels)) : null;
    }

    /** Convolution with bias, stride and padding. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, kernel, ConvSpec.of(stride, padding), true);
    }

    /** The geometry. */
    public ConvSpec spec() {
        return spec;
    }

    /** Kernel size. */
    public int kernel() {
        return kernel;
    }

    /** The weight parameter. */
    public Parameter weight() {
        return weight;
    }

    /** The bias parameter, or null. */
    public Parameter bias() {
        return bias;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return io.pixelgrad.autograd.functions.Conv2d.apply(x, weight.tensor(), bias == null ? null : bias.tensor(), spec);
    }

    @Override
    public String describe() {
        return "Conv2d(" + inChannels + ", " + outChannels + ", kernel " + kernel + ", stride " + spec.strideH()
                + ", padding " + spec.padH() + (spec.dilationH() > 1 ? ", dilation " + spec.dilationH() : "")
                + (spec.groups() > 1 ? ", groups " + spec.groups() : "") + ")";
    }
}
