package io.pixelgrad.zoo.data;

import java.nio.charset.StandardCharsets;

/**
 * Independent random streams derived from one seed, so that each purpose (shuffling, augmentation, dropout) of each
 * epoch has its own generator: an epoch's randomness does not depend on what ran before it, which is what lets a
 * resumed run repeat an uninterrupted one bit for bit.
 */
public final class Seeds {

    private Seeds() {
    }

    /** A well-mixed seed for (seed, purpose, index), by SplitMix64's finalizer. */
    public static long derive(long seed, String purpose, long index) {
        long h = seed;
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) h = mix(h + b);
        return mix(mix(h) + index);
    }

    /**
     * A generator for (seed, purpose, index): java.util.Random's sequence exactly, as a {@link
     * io.pixelgrad.autograd.nn.JumpableRandom}: no atomic update per draw, and dropout (one draw per unit, 200,000 per
     * training step of the small VGG) can split its draws over threads and still get the serial sequence.
     */
    public static java.util.Random random(long seed, String purpose, long index) {
        return new io.pixelgrad.autograd.nn.JumpableRandom(derive(seed, purpose, index));
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
