package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.PoolSpec;

/** Average pooling (zero padding counted in the divisor). */
public final class AvgPool2d extends Module {

    private final PoolSpec spec;

    /** Pooling with the given window. */
    public AvgPool2d(PoolSpec spec) {
        this.spec = spec;
    }

    /** The window geometry. */
    public PoolSpec spec() {
        return spec;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return io.pixelgrad.autograd.functions.AvgPool2d.apply(x, spec);
    }

    @Override
    public String describe() {
        return "AvgPool2d(kernel " + spec.kernelH() + ", stride " + spec.strideH() + ")";
    }
}
