package io.pixelgrad.autograd.nn;

/**
 * java.util.Random's numbers (same linear congruential generator, same outputs for the same seed) on a plain field
 * instead of an atomic one, and able to jump ahead: a long run of draws, such as a dropout mask, can then be split over
 * threads and still give exactly the numbers that one thread drawing them in order would.
 */
public final class JumpableRandom extends java.util.Random {

    private static final long serialVersionUID = 1L;
    private static final long MULTIPLIER = 0x5DEECE66DL, ADDEND = 0xBL, MASK = (1L << 48) - 1;
    /** From a stream's second step in {@link #nextDoubles} to its next draw: past the other three streams' two steps each. */
    private static final long[] PAST_OTHER_STREAMS = jump(6);
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
     * O(log steps).
     */
    public void skip(long steps) {
        if (steps < 0) throw new IllegalArgumentException("cannot skip backwards: " + steps);
        long[] jump = jump(steps);
        state = (jump[0] * state + jump[1]) & MASK;
    }

    /**
     * Fills values with what values.length calls of nextDouble() would return, in order, and advances past them. The
     * draws are made by four interleaved streams, each jumping over the other three's draws: within one stream every
     * draw waits for the previous multiplication, while four streams keep the multiplier busy (about twice as fast).
     */
    public void nextDoubles(double[] values) {
        long jm = PAST_OTHER_STREAMS[0], ja = PAST_OTHER_STREAMS[1];
        long s0 = state, s1 = step(step(s0)), s2 = step(step(s1)), s3 = step(step(s2));
        int i = 0;
        for (; i + 4 <= values.length; i += 4) {
            long a0 = step(s0), a1 = step(s1), a2 = step(s2), a3 = step(s3);
            long b0 = step(a0), b1 = step(a1), b2 = step(a2), b3 = step(a3);
            values[i] = draw(a0, b0);
            values[i + 1] = draw(a1, b1);
            values[i + 2] = draw(a2, b2);
            values[i + 3] = draw(a3, b3);
            s0 = (b0 * jm + ja) & MASK;
            s1 = (b1 * jm + ja) & MASK;
            s2 = (b2 * jm + ja) & MASK;
            s3 = (b3 * jm + ja) & MASK;
        }
        state = s0;   // the first stream stands where the next draw begins
        for (; i < values.length; i++) values[i] = nextDouble();
    }

    private static long step(long s) {
        return (s * MULTIPLIER + ADDEND) & MASK;
    }

    /** nextDouble() from the generator's two states: next(26) then next(27), as java.util.Random combines them. */
    private static double draw(long first, long second) {
        return ((((long) (int) (first >>> 22)) << 27) + (int) (second >>> 21)) * 0x1.0p-53;
    }

    /**
     * The map x -> multiplier x + addend (mod 2^48) that {@code steps} steps of the generator make: the composition of
     * x -> a x + c with itself, by repeated squaring.
     */
    private static long[] jump(long steps) {
        long multiplier = 1, addend = 0, m = MULTIPLIER, a = ADDEND;
        for (long k = steps; k > 0; k >>>= 1) {
            if ((k & 1) != 0) {
                multiplier *= m;
                addend = addend * m + a;
            }
            a = (m + 1) * a;
            m *= m;
        }
        return new long[]{multiplier, addend};
    }
}
