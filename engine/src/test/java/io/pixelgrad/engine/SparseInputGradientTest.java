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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The input gradient of a convolution whose output gradient is zero outside a box (computed on the box alone) against
 * the definition, summed term by term in double: gradIn[n,c,i,j] = sum over k, output (y, x) and tap (u, v) with
 * i = y*stride - pad + u, j = x*stride - pad + v of gradOut[n,k,y,x] * W[k,c,u,v]. Boxes touch every edge, sit in
 * corners, hold one unit, or cover most of the map (the plain path); both kernel sets, both layouts, both precisions.
 */
class SparseInputGradientTest {

    /** kernel, stride, padding, input side, box {top, bottom, left, right} in output positions (null: all zeros). */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : new Kernels[]{new CpuKernels(), new PortableKernels()})
            for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT})
                for (boolean channelsLast : new boolean[]{false, true}) {
                    out.add(Arguments.of(k, type, channelsLast, 3, 1, 1, 13, new int[]{6, 7, 4, 5}));     // one unit
                    out.add(Arguments.of(k, type, channelsLast, 3, 1, 1, 13, new int[]{0, 3, 0, 2}));     // a corner
                    out.add(Arguments.of(k, type, channelsLast, 3, 1, 1, 13, new int[]{10, 13, 9, 13}));  // other corner
                    out.add(Arguments.of(k, type, channelsLast, 5, 1, 2, 27, new int[]{5, 20, 3, 18}));
                    out.add(Arguments.of(k, type, channelsLast, 11, 4, 2, 67, new int[]{2, 9, 0, 6}));   // AlexNet's first
                    out.add(Arguments.of(k, type, channelsLast, 3, 2, 0, 20, new int[]{3, 6, 8, 9}));     // rows not reached
                    out.add(Arguments.of(k, type, channelsLast, 1, 1, 0, 8, new int[]{2, 4, 2, 4}));
                    out.add(Arguments.of(k, type, channelsLast, 3, 1, 1, 64, new int[]{12, 30, 20, 41})); // flipped kernels
                    out.add(Arguments.of(k, type, channelsLast, 3, 1, 1, 12, new int[]{0, 12, 1, 12}));   // most: plain path
                    out.add(Arguments.of(k, type, channelsLast, 3, 1, 1, 12, null));                      // all zeros
                }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void inputGradientOnTheBoxEqualsTheDefinition(Kernels kernels, DataType type, boolean channelsLast, int kernel,
                                                  int stride, int pad, int side, int[] box) {
        int n = 2, c = 3, k = 4;
        Random random = new Random(kernel * 31L + stride * 7L + side);
        ConvSpec spec = ConvSpec.of(stride, pad);
        int oh = (int) spec.outH(side, kernel), ow = (int) spec.outW(side, kernel);
        double[] w = new double[k * c * kernel * kernel], g = new double[n * k * oh * ow];
        for (int i = 0; i < w.length; i++) w[i] = random.nextGaussian();
        if (box != null)
            for (int s = 0; s < n; s++)
                for (int o = 0; o < k; o++)
                    for (int y = box[0]; y < box[1]; y++)
                        for (int x = box[2]; x < box[3]; x++)
                            // sample 1 uses only the box's first row, so the box is a union over the batch
                            if (s == 0 || y == box[0]) g[((s * k + o) * oh + y) * ow + x] = random.nextGaussian();
        INDArray weight = Nd4j.create(w, new long[]{k, c, kernel, kernel}, 'c').castTo(type);
        INDArray gradOut = laidOut(Nd4j.create(g, new long[]{n, k, oh, ow}, 'c').castTo(type), channelsLast);
        INDArray x = laidOut(Nd4j.zeros(type, n, c, side, side), channelsLast);

        INDArray got = kernels.conv2dBackward(x, weight, false, gradOut, spec, true, false).input();

        double[] expected = definition(g, w, n, c, k, kernel, stride, pad, side, oh, ow);
        assertArrayEquals(new long[]{n, c, side, side}, got.shape());
        double[] actual = got.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * (1 + Math.abs(expected[i])), "element " + i);
            if (expected[i] == 0 && !reached(i, box, n, c, kernel, stride, pad, side, oh, ow))
                assertEquals(0.0, actual[i], "outside the box's reach");
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void nonzeroBoxIsTheSmallestBoxAroundTheNonzeros(Kernels kernels, DataType type, boolean channelsLast, int kernel,
                                                     int stride, int pad, int side, int[] box) {
        if (!(kernels instanceof PortableKernels p)) return;
        INDArray a = laidOut(Nd4j.zeros(type, 2, 3, side, side), channelsLast);
        if (box != null) {
            a.putScalar(new long[]{1, 2, box[0], box[2]}, Double.NaN);               // NaN counts as nonzero
            a.putScalar(new long[]{0, 0, box[1] - 1, box[3] - 1}, -1e-30);
        }
        int[] found = p.nonzeroBox(a);
        if (box == null) assertTrue(found == null, "all zeros has no box");
        else assertArrayEquals(box, found);
    }

    private static INDArray laidOut(INDArray a, boolean channelsLast) {
        if (!channelsLast) return a;
        INDArray out = Layout.channelsLast(a.dataType(), a.size(0), a.size(1), a.size(2), a.size(3));
        out.assign(a);
        assertTrue(Layout.isChannelsLast(out));
        return out;
    }

    private static double[] definition(double[] g, double[] w, int n, int c, int k, int kernel, int stride, int pad,
                                       int side, int oh, int ow) {
        double[] out = new double[n * c * side * side];
        for (int s = 0; s < n; s++)
            for (int o = 0; o < k; o++)
                for (int y = 0; y < oh; y++)
                    for (int x = 0; x < ow; x++) {
                        double gv = g[((s * k + o) * oh + y) * ow + x];
                        if (gv == 0) continue;
                        for (int ch = 0; ch < c; ch++)
                            for (int u = 0; u < kernel; u++)
                                for (int v = 0; v < kernel; v++) {
                                    int i = y * stride - pad + u, j = x * stride - pad + v;
                                    if (i < 0 || i >= side || j < 0 || j >= side) continue;
                                    out[((s * c + ch) * side + i) * side + j] += gv * w[((o * c + ch) * kernel + u) * kernel + v];
                                }
                    }
        return out;
    }

    /** Whether input element i lies in the rows and columns that the box's outputs read. */
    private static boolean reached(int i, int[] box, int n, int c, int kernel, int stride, int pad, int side, int oh, int ow) {
        if (box == null) return false;
        int row = (i / side) % side, col = i % side;
        return row >= box[0] * stride - pad && row <= (box[1] - 1) * stride - pad + kernel - 1
                && col >= box[2] * stride - pad && col <= (box[3] - 1) * stride - pad + kernel - 1;
    }
}
