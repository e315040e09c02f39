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
     * A generator for (seed, purpose, index): java.util.Random's sequence exactly, without its thread-safe atomic
     * update (dropout draws one number per unit, 200,000 per training step of the small VGG, from one thread).
     */
    public static java.util.Random random(long seed, String purpose, long index) {
        return new Unshared(derive(seed, purpose, index));
    }

    /** java.util.Random's linear congruential generator (same constants, same outputs) on a plain field. */
    private static final class Unshared extends java.util.Random {
        private static final long serialVersionUID = 1L;
        private static final long MULTIPLIER = 0x5DEECE66DL, ADDEND = 0xBL, MASK = (1L << 48) - 1;
        private long state;

        Unshared(long seed) {
            super(seed);   // calls setSeed below
        }

        @Override
        public synchronized void setSeed(long seed) {
            super.setSeed(seed);
            state = (seed ^ MULTIPLIER) & MASK;
        }

        @Override
        protected int next(int bits) {
            state = (state * MULTIPLIER + ADDEND) & MASK;
            return (int) (state >>> (48 - bits));
        }
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
