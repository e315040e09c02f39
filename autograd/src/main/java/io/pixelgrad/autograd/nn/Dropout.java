package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;

/**
 * Dropout: the identity at inference, which is how every visualization runs a network; in training mode
 * ({@link Module#train}) each unit is zeroed with probability p and survivors are scaled by 1/(1-p).
 */
public final class Dropout extends Module {

    private final double p;

    /** Dropout with drop probability p in [0, 1). */
    public Dropout(double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        this.p = p;
    }

    /** The drop probability. */
    public double p() {
        return p;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return isTraining() && p > 0 ? io.pixelgrad.autograd.functions.Dropout.apply(x, p, random()) : x;
    }

    @Override
    public String describe() {
        return "Dropout(p " + p + ", identity at inference)";
    }
}
