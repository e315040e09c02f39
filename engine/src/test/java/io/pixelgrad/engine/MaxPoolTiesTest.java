package io.pixelgrad.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Exact ties in a max-pool window (e.g. all zeros after a ReLU) go to the first index in row-major window order, as
 * PyTorch's CPU kernel decides them, on both kernel sets, both data types and both memory layouts; unpooling then
 * sends the gradient there. Expected switches come from the definition, computed here by brute force.
 */
class MaxPoolTiesTest {

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Kernels k : new Kernels[]{new CpuKernels(), new PortableKernels()})
            for (DataType t : new DataType[]{DataType.FLOAT, DataType.DOUBLE})
                for (boolean channelsLast : new boolean[]{false, true})
                    for (PoolSpec spec : new PoolSpec[]{PoolSpec.of(2, 2), PoolSpec.of(3, 2), PoolSpec.of(3, 1, 1)})
                        all.add(Arguments.of(k.name(), k, t, channelsLast, spec));
        return all.stream();
    }

    /** Values from {-1, 0, 0, 0, 1, 2}: zeros everywhere, with many exact ties of zeros and of ones and twos. */
    private static double[] tiedValues(int count, long seed) {
        Random r = new Random(seed);
        double[] pick = {-1, 0, 0, 0, 1, 2};
        double[] v = new double[count];
        for (int i = 0; i < v.length; i++) v[i] = pick[r.nextInt(pick.length)];
        return v;
    }

    @ParameterizedTest(name = "{0} {2} channels-last={3} {4}")
    @MethodSource("cases")
    void tiesGoToTheFirstIndexAndUnpoolingFollowsThem(String name, Kernels kernels, DataType type, boolean channelsLast, PoolSpec spec) {
        int n = 2, c = 3, h = 7, w = 6;
        double[] values = tiedValues(n * c * h * w, 11);
        INDArray rowMajor = Nd4j.create(values, new long[]{n, c, h, w}, 'c').castTo(type);
        INDArray x = rowMajor;
        if (channelsLast) {
            x = Layout.channelsLast(type, n, c, h, w);
            x.assign(rowMajor);
        }
        MaxPoolResult r = kernels.maxPool2d(x, spec);
        int oh = (int) spec.outH(h), ow = (int) spec.outW(w);
        long[] expectedSwitches = new long[n * c * oh * ow];
        double[] expectedOut = new double[n * c * oh * ow];
        for (int p = 0; p < n * c; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    long at = -1;
                    for (int ky = 0; ky < spec.kernelH(); ky++)
                        for (int kx = 0; kx < spec.kernelW(); kx++) {
                            int row = i * spec.strideH() - spec.padH() + ky, col = j * spec.strideW() - spec.padW() + kx;
                            if (row < 0 || row >= h || col < 0 || col >= w) continue;
                            double v = values[p * h * w + row * w + col];
                            if (at < 0 || v > best) {
                                best = v;
                                at = (long) row * w + col;
                            }
                        }
                    expectedSwitches[(p * oh + i) * ow + j] = at;
                    expectedOut[(p * oh + i) * ow + j] = best;
                }
        assertArrayEquals(expectedSwitches, r.switches().dup('c').data().asLong(), "switches");
        assertArrayEquals(expectedOut, r.output().dup('c').castTo(DataType.DOUBLE).data().asDouble(), "values");
        assertEquals(type, r.output().dataType());

        double[] g = new double[n * c * oh * ow];
        for (int i = 0; i < g.length; i++) g[i] = i + 1;
        INDArray gradOut = Nd4j.create(g, new long[]{n, c, oh, ow}, 'c').castTo(type);
        INDArray grad = kernels.maxUnpoolAdd(gradOut, r.switches(), new long[]{n, c, h, w}, spec);
        double[] expectedGrad = new double[n * c * h * w];
        for (int p = 0; p < n * c; p++)
            for (int o = 0; o < oh * ow; o++)
                expectedGrad[p * h * w + (int) expectedSwitches[p * oh * ow + o]] += g[p * oh * ow + o];
        assertArrayEquals(expectedGrad, grad.dup('c').castTo(DataType.DOUBLE).data().asDouble(), "unpooled gradient");
        assertEquals(type, grad.dataType());
    }
}
