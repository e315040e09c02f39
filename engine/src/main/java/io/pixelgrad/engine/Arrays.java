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
            if (a != null && !a.isView() && a.closeable() && !a.wasClosed()) a.close();
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
