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

    /**
     * VGG's 2x2, AlexNet's 3x3 stride 2, a padded window, overlapping 2x2, a 2x2 dilated in height, a 4x4 (the most
     * places the CPU set's branch-free loop ranks) and a padded 5x5 (more than that: the exact loop).
     */
    static final PoolSpec[] SPECS = {PoolSpec.of(2, 2), PoolSpec.of(3, 2), PoolSpec.of(3, 1, 1), PoolSpec.of(2, 1),
            new PoolSpec(2, 2, 2, 2, 0, 0, 2, 1), PoolSpec.of(4, 3), PoolSpec.of(5, 2, 2)};

    static Stream<Arguments> javaLoopCases() {
        return cases().filter(a -> a.get()[1] instanceof CpuKernels && a.get()[2] == DataType.FLOAT);
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Kernels k : new Kernels[]{new CpuKernels(), new PortableKernels()})
            for (DataType t : new DataType[]{DataType.FLOAT, DataType.DOUBLE})
                for (boolean channelsLast : new boolean[]{false, true})
                    for (PoolSpec spec : SPECS)
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

    /** values [n,c,h,w] in the given type, stored row-major or channels-last. */
    private static INDArray input(double[] values, DataType type, boolean channelsLast, int n, int c, int h, int w) {
        INDArray rowMajor = Nd4j.create(values, new long[]{n, c, h, w}, 'c').castTo(type);
        return channelsLast ? Layout.channelsLast(type, n, c, h, w).assign(rowMajor) : rowMajor;
    }

    /**
     * The switch of every output by PyTorch's rule, straight from its definition: walk each window in row-major order
     * and take a value when it is the first, strictly greater, or NaN.
     */
    private static long[] pyTorchSwitches(double[] values, int planes, int h, int w, PoolSpec spec) {
        int oh = (int) spec.outH(h), ow = (int) spec.outW(w);
        long[] switches = new long[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    long at = -1;
                    for (int ky = 0; ky < spec.kernelH(); ky++)
                        for (int kx = 0; kx < spec.kernelW(); kx++) {
                            int row = i * spec.strideH() - spec.padH() + ky * spec.dilationH();
                            int col = j * spec.strideW() - spec.padW() + kx * spec.dilationW();
                            if (row < 0 || row >= h || col < 0 || col >= w) continue;
                            double v = values[p * h * w + row * w + col];
                            if (at < 0 || v > best || Double.isNaN(v)) {
                                best = v;
                                at = (long) row * w + col;
                            }
                        }
                    switches[(p * oh + i) * ow + j] = at;
                }
        return switches;
    }

    @ParameterizedTest(name = "{0} {2} channels-last={3} {4}")
    @MethodSource("cases")
    void tiesGoToTheFirstIndexAndUnpoolingFollowsThem(String name, Kernels kernels, DataType type, boolean channelsLast, PoolSpec spec) {
        int n = 2, c = 3, h = 7, w = 6;
        double[] values = tiedValues(n * c * h * w, 11);
        MaxPoolResult r = kernels.maxPool2d(input(values, type, channelsLast, n, c, h, w), spec);
        int oh = (int) spec.outH(h), ow = (int) spec.outW(w);
        long[] expectedSwitches = pyTorchSwitches(values, n * c, h, w, spec);
        double[] expectedOut = new double[expectedSwitches.length];
        for (int o = 0; o < expectedOut.length; o++) expectedOut[o] = values[o / (oh * ow) * h * w + (int) expectedSwitches[o]];
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

    /**
     * NaN (either sign bit), infinities and signed zeros: a NaN is taken whenever it comes (so the last NaN of a window
     * wins), -0.0 and 0.0 tie (the first stays, with its own sign), as PyTorch's "val > max || isnan(val)". Checked
     * where the CPU set's own float loops decide; elsewhere (the portable set, float64) the choice among NaNs is ND4J's
     * argmax's.
     */
    @ParameterizedTest(name = "{0} {2} channels-last={3} {4}")
    @MethodSource("javaLoopCases")
    void nanInfinityAndSignedZeroFollowPyTorchsRule(String name, Kernels kernels, DataType type, boolean channelsLast, PoolSpec spec) {
        int n = 2, c = 5, h = 7, w = 6;
        float[] pick = {Float.intBitsToFloat(0x7fc00000), Float.intBitsToFloat(0xffc00000), -0f, 0f, -0f, 0f,
                Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1, -1, 1, -1, 0.5f, 2, -2, 0f};
        Random random = new Random(5);
        double[] values = new double[n * c * h * w];
        for (int i = 0; i < values.length; i++) {
            // NaN in about one window in three, so that rows with and without one both occur
            float v = pick[2 + random.nextInt(pick.length - 2)];
            if (random.nextInt(24) == 0) v = pick[random.nextInt(2)];
            values[i] = v;
        }
        INDArray x = input(values, type, channelsLast, n, c, h, w);
        double[] in = x.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        MaxPoolResult r = kernels.maxPool2d(x, spec);
        int outputs = (int) (spec.outH(h) * spec.outW(w));
        long[] expected = pyTorchSwitches(in, n * c, h, w, spec);
        long[] switches = r.switches().dup('c').data().asLong();
        double[] out = r.output().dup('c').castTo(DataType.DOUBLE).data().asDouble();
        for (int o = 0; o < expected.length; o++) {
            double best = in[o / outputs * h * w + (int) expected[o]];
            assertEquals(expected[o], switches[o], "output " + o + ": switch");
            assertEquals(Double.doubleToRawLongBits(best), Double.doubleToRawLongBits(out[o]), "output " + o + ": value " + out[o] + " for " + best);
        }
    }
}
