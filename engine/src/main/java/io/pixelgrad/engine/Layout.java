package io.pixelgrad.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Physical memory layouts of NCHW arrays. Shapes are always logical NCHW; on AVX-512 processors the CPU kernels store
 * activations channels-last (NHWC in memory, seen through a permuted view) because oneDNN convolves that layout
 * directly there, elsewhere row-major (see CpuKernels).
 */
public final class Layout {

    private Layout() {
    }

    /** Whether a 4-D array is a permuted view of a dense NHWC buffer. */
    public static boolean isChannelsLast(INDArray a) {
        if (a.rank() != 4 || a.size(1) == 1 || a.offset() != 0 || a.data().length() != a.length()) return false;
        long[] s = a.shape(), st = a.stride();
        return st[1] == 1 && (s[3] == 1 || st[3] == s[1]) && (s[2] == 1 || st[2] == s[1] * s[3])
                && (s[0] == 1 || st[0] == s[1] * s[2] * s[3]);
    }

    /** Whether an array is dense and row-major over its whole buffer. */
    public static boolean isRowMajor(INDArray a) {
        return a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length() && Shape.isContiguous(a);
    }

    /** A new uninitialized NCHW array of the given shape stored channels-last. */
    public static INDArray channelsLast(org.nd4j.linalg.api.buffer.DataType type, long n, long c, long h, long w) {
        return Nd4j.createUninitialized(type, n, h, w, c).permute(0, 3, 1, 2);
    }

    /** A new NCHW array of zeros stored channels-last (zeroed densely: a scalar op on the permuted view is slow). */
    public static INDArray channelsLastZeros(org.nd4j.linalg.api.buffer.DataType type, long n, long c, long h, long w) {
        return Nd4j.zeros(type, n, h, w, c).permute(0, 3, 1, 2);
    }

    /** A new array of zeros shaped and laid out like a. */
    public static INDArray zerosLike(INDArray a) {
        if (isChannelsLast(a)) return channelsLastZeros(a.dataType(), a.size(0), a.size(1), a.size(2), a.size(3));
        return Nd4j.zeros(a.dataType(), a.shape());
    }

    /** A new uninitialized array shaped and laid out like a (channels-last stays channels-last). */
    public static INDArray like(INDArray a) {
        return like(a, a.dataType());
    }

    /** A new uninitialized array shaped and laid out like a, of another element type. */
    public static INDArray like(INDArray a, org.nd4j.linalg.api.buffer.DataType type) {
        if (isChannelsLast(a)) return channelsLast(type, a.size(0), a.size(1), a.size(2), a.size(3));
        return Nd4j.createUninitialized(type, a.shape());
    }

    /** The same buffer as a dense row-major array (NHWC for channels-last arrays), or null if a is not dense. */
    public static INDArray dense(INDArray a) {
        if (isChannelsLast(a)) return a.permute(0, 2, 3, 1);
        if (isRowMajor(a)) return a;
        return null;
    }

    /** Whether two arrays have the same shape and the same dense layout, so elementwise work can run on buffers. */
    public static boolean sameDenseLayout(INDArray a, INDArray b) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) return false;
        return (isChannelsLast(a) && isChannelsLast(b)) || (isRowMajor(a) && isRowMajor(b));
    }

    /** b copied into the layout of a, keeping b's element type (b itself when it already shares the layout). */
    public static INDArray toLayoutOf(INDArray a, INDArray b) {
        if (sameDenseLayout(a, b)) return b;
        INDArray out = like(a, b.dataType());
        out.assign(b);
        return out;
    }

    /** Small shape checks that ND4J keeps internal. */
    private static final class Shape {
        static boolean isContiguous(INDArray a) {
            long expected = 1;
            long[] s = a.shape(), st = a.stride();
            for (int d = s.length - 1; d >= 0; d--) {
                if (s[d] != 1 && st[d] != expected) return false;
                expected *= s[d];
            }
            return true;
        }
    }
}
