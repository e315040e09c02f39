package io.pixelgrad.autograd.nn;

/**
 * java.util.Random's numbers (same linear congruential generator, same outputs for the same seed) on a plain field
 * instead of an atomic one, and able to jump ahead: a long run of draws, such as a dropout mask, can then be split over
 * threads and still give exactly the numbers that one thread drawing them in order would.
 */
public final class JumpableRandom extends java.util.Random {

    private static final long serialVersionUID = 1L;
    private static final long MULTIPLIER = 0x5DEECE66DL, ADDEND = 0xBL, MASK = (1L << 48) - 1;
    private long state;

    /** The generator that {@code new java.util.Random(seed)} is. */
    public JumpableRandom(long seed) {
        super(seed);   // calls setSeed below
    }

    private JumpableRandom(JumpableRandom from) {
        super(0);
        state = from.state;
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

    /** A generator that continues from this one's current place; this one is not advanced. */
    public JumpableRandom copy() {
        return new JumpableRandom(this);
    }

    /**
     * Advances as {@code steps} calls of the generator would (nextDouble takes two, nextInt and nextFloat one), in
     * O(log steps): the composition of x -> a x + c with itself, by repeated squaring, modulo 2^48.
     */
    public void skip(long steps) {
        if (steps < 0) throw new IllegalArgumentException("cannot skip backwards: " + steps);
        long multiplier = 1, addend = 0, m = MULTIPLIER, a = ADDEND;
        for (long k = steps; k > 0; k >>>= 1) {
            if ((k & 1) != 0) {
                multiplier *= m;
                addend = addend * m + a;
            }
            a = (m + 1) * a;
            m *= m;
        }
        state = (multiplier * state + addend) & MASK;
    }
}
