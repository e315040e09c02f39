package io.pixelgrad.engine;

/**
 * Geometry of a 2-D pooling window in floor mode: kernel, stride, padding and dilation (PyTorch's MaxPool2d arguments).
 */
public record PoolSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {

    /** Validates the geometry as PyTorch does (padding at most half the kernel). */
    public PoolSpec {
        if (kernelH < 1 || kernelW < 1) throw new IllegalArgumentException("pool kernel must be >= 1");
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("pool stride must be >= 1");
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW)
            throw new IllegalArgumentException("pool padding must be between 0 and half the kernel");
        if (dilationH < 1 || dilationW < 1) throw new IllegalArgumentException("pool dilation must be >= 1");
    }

    /** Square kernel and stride, no padding. */
    public static PoolSpec of(int kernel, int stride) {
        return new PoolSpec(kernel, kernel, stride, stride, 0, 0, 1, 1);
    }

    /** Square kernel, stride and padding. */
    public static PoolSpec of(int kernel, int stride, int padding) {
        return new PoolSpec(kernel, kernel, stride, stride, padding, padding, 1, 1);
    }

    /** Rows one window spans: (kernel - 1) * dilation + 1. */
    public int spanH() {
        return (kernelH - 1) * dilationH + 1;
    }

    /** Columns one window spans: (kernel - 1) * dilation + 1. */
    public int spanW() {
        return (kernelW - 1) * dilationW + 1;
    }

    /** Whether no input position lies in two windows (the stride is at least the span): 2x2 stride 2, not 3x3 stride 2. */
    public boolean windowsDisjoint() {
        return strideH >= spanH() && strideW >= spanW();
    }

    /** Output height for an input of height {@code h}. */
    public long outH(long h) {
        return Math.floorDiv(h + 2L * padH - (long) dilationH * (kernelH - 1) - 1, strideH) + 1;
    }

    /** Output width for an input of width {@code w}. */
    public long outW(long w) {
        return Math.floorDiv(w + 2L * padW - (long) dilationW * (kernelW - 1) - 1, strideW) + 1;
    }
}
