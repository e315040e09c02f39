package io.pixelgrad.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The branch-free step(x) of the CPU kernels' ReLU backward is exactly "x > 0 ? 1f : 0f". */
class StepFunctionTest {

    private static void check(float x) {
        float expected = x > 0 ? 1f : 0f;
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(CpuKernels.positive(x)),
                () -> "x = " + x + " (bits " + Integer.toHexString(Float.floatToRawIntBits(x)) + ")");
    }

    @Test
    void edgeCases() {
        float[] cases = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7f800001),
            Float.intBitsToFloat(0x7fffffff), Float.intBitsToFloat(0xff800001), Float.intBitsToFloat(0xffffffff),
            Float.intBitsToFloat(0x80000001)};
        for (float x : cases) check(x);
    }

    @Test
    void everyBitPatternAroundTheBoundariesAndRandomOnes() {
        for (int b : new int[]{0, 0x7f800000, 0x80000000, 0xff800000})
            for (int d = -1000; d <= 1000; d++) check(Float.intBitsToFloat(b + d));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000_000; i++) check(Float.intBitsToFloat(random.nextInt()));
    }
}
