package io.pixelgrad.vis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Display scaling of maps: percentile clipping keeps one extreme pixel from turning the rest of a map black. */
class MapsTest {

    @Test
    void percentileIsTheNearestRankOfTheAbsoluteValues() {
        float[] m = new float[100];
        for (int i = 0; i < 100; i++) m[i] = -(i + 1);       // |m| = 1..100
        assertEquals(99f, Maps.percentile(m, 0.99));
        assertEquals(50f, Maps.percentile(m, 0.5));
        assertEquals(100f, Maps.percentile(m, 1.0));
    }

    @Test
    void selectionFindsWhatSortingPutsAtEveryRank() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(trial < 100 ? 20 : 3000);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(10);
                // many ties, zeros of both signs, NaN and infinities beside ordinary values
                a[i] = kind == 0 ? Float.NaN : kind == 1 ? 0f : kind == 2 ? -0f : kind == 3 ? Float.POSITIVE_INFINITY
                        : kind < 6 ? random.nextInt(4) : (float) random.nextGaussian();
            }
            float[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            for (int k : new int[]{0, n / 2, n - 1, random.nextInt(n), (int) Math.ceil(0.99 * n) - 1}) {
                if (k < 0) continue;
                float picked = Maps.select(a.clone(), k);
                assertEquals(Float.floatToIntBits(sorted[k]), Float.floatToIntBits(picked), "n " + n + ", rank " + k);
            }
        }
    }

    @Test
    void oneOutlierNoLongerFlattensTheMap() {
        float[] m = new float[200];
        for (int i = 0; i < 199; i++) m[i] = (i % 4) + 1;     // 1..4
        m[199] = 1000;                                        // one extreme pixel
        float[] scaled = Maps.percentileScale(m, 0.99);
        assertEquals(1f, scaled[199]);                        // clipped at 1
        assertEquals(0.25f, scaled[0], 1e-6);                 // 1 / 4: the 99th percentile is 4
        assertEquals(1f, scaled[3], 1e-6);
        float[] minMax = Maps.minMax(m);
        assertEquals(0f, minMax[0]);                          // plain min-max: everything but the outlier below 0.004
        assertArrayEquals(new float[]{0f, 0f}, Maps.percentileScale(new float[]{0f, 0f}, 0.99));
    }
}
