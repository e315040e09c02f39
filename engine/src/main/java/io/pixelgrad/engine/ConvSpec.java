package io.pixelgrad.engine;

/**
 * Geometry of a 2-D convolution: stride, zero padding, dilation and channel groups (PyTorch's Conv2d arguments).
 */
public record ConvSpec(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

    /** Validates the geometry once so kernels can trust it. */
    public ConvSpec {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("stride must be >= 1");
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("padding must be >= 0");
        if (dilationH < 1 || dilationW < 1) throw new IllegalArgumentException("dilation must be >= 1");
        if (groups < 1) throw new IllegalArgumentException("groups must be >= 1");
    }

    /** Square stride and padding, no dilation, one group. */
    public static ConvSpec of(int stride, int padding) {
        return new ConvSpec(stride, stride, padding, padding, 1, 1, 1);
    }

    /** Square stride, padding and dilation with the given number of groups. */
    public static ConvSpec of(int stride, int padding, int dilation, int groups) {
        return new ConvSpec(stride, stride, padding, padding, dilation, dilation, groups);
    }

    /** Output height for an input of height {@code h} and kernel height {@code kH}. */
    public long outH(long h, long kH) {
        return Math.floorDiv(h + 2L * padH - (long) dilationH * (kH - 1) - 1, strideH) + 1;
    }

    /** Output width for an input of width {@code w} and kernel width {@code kW}. */
    public long outW(long w, long kW) {
        return Math.floorDiv(w + 2L * padW - (long) dilationW * (kW - 1) - 1, strideW) + 1;
    }
}
