package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.PoolSpec;

/** Max pooling that records its switches. */
public final class MaxPool2d extends Module {

    private final PoolSpec spec;

    /** Pooling with the given window. */
    public MaxPool2d(PoolSpec spec) {
        this.spec = spec;
    }

    /** Square kernel and stride. */
    public MaxPool2d(int kernel, int stride) {
        this(PoolSpec.of(kernel, stride));
    }

    /** The window geometry. */
    public PoolSpec spec() {
        return spec;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return io.pixelgrad.autograd.functions.MaxPool2d.apply(x, spec);
    }

    @Override
    public String describe() {
        return "MaxPool2d(kernel " + spec.kernelH() + ", stride " + spec.strideH() + (spec.padH() > 0 ? ", padding " + spec.padH() : "") + ")";
    }
}
