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
