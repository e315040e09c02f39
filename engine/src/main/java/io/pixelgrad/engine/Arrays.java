package io.pixelgrad.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Small helpers for owning ND4J arrays: deterministic release of off-heap buffers and shape utilities. */
public final class Arrays {

    private Arrays() {
    }

    /**
     * Frees the off-heap buffers of arrays we own, now rather than whenever the garbage collector runs. Views and
     * arrays that are not closeable are skipped, so calling this on anything is safe.
     */
    public static void release(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a == null || a.wasClosed()) continue;
            if (!a.isView()) {
                if (a.closeable()) a.close();
            } else if (a.offset() == 0 && a.length() == a.data().length() && a.data().closeable()) {
                // A permutation or reshape of a whole buffer (channels-last activations): the buffer is ours to free.
                a.data().close();
            }
        }
    }

    /** A contiguous row-major array with offset 0 and the same values: x itself when it already is one. */
    public static INDArray contiguous(INDArray x) {
        if (x.isView() || x.ordering() != 'c' || x.offset() != 0 || !x.isR()) return x.dup('c');
        return x;
    }

    /** Number of elements of a shape. */
    public static long length(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Shape as text, e.g. [1, 3, 224, 224]. */
    public static String shapeText(long[] shape) {
        return java.util.Arrays.toString(shape);
    }
}
