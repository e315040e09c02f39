package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;

/** Dropout: the identity at inference, which is how every visualization runs a network. */
public final class Dropout extends Module {

    private final double p;

    /** Dropout with drop probability p (kept for layer listings; inference ignores it). */
    public Dropout(double p) {
        this.p = p;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return x;
    }

    @Override
    public String describe() {
        return "Dropout(p " + p + ", identity at inference)";
    }
}
