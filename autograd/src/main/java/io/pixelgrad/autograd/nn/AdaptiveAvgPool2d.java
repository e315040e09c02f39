package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;

/** Average pooling to a fixed output size, whatever the input size. */
public final class AdaptiveAvgPool2d extends Module {

    private final int outH, outW;

    /** Pools to outH x outW. */
    public AdaptiveAvgPool2d(int outH, int outW) {
        this.outH = outH;
        this.outW = outW;
    }

    /** Output height. */
    public int outH() {
        return outH;
    }

    /** Output width. */
    public int outW() {
        return outW;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return io.pixelgrad.autograd.functions.AdaptiveAvgPool2d.apply(x, outH, outW);
    }

    @Override
    public String describe() {
        return "AdaptiveAvgPool2d(" + outH + "x" + outW + ")";
    }
}
