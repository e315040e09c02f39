package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;

/** Local response normalization across channels, as in the original AlexNet. */
public final class LocalResponseNorm extends Module {

    private final int size;
    private final double alpha, beta, k;

    /** LRN over size channels with the given alpha, beta and k. */
    public LocalResponseNorm(int size, double alpha, double beta, double k) {
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return io.pixelgrad.autograd.functions.LocalResponseNorm.apply(x, size, alpha, beta, k);
    }

    @Override
    public String describe() {
        return "LocalResponseNorm(size " + size + ", alpha " + alpha + ", beta " + beta + ", k " + k + ")";
    }
}
