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

    /**
     * A new array with src's values in another shape (one dimension may be -1). ND4J's reshape returns a view, which
     * the ownership rule could not free; this copies into a fresh array instead.
     */
    public static INDArray reshapeCopy(INDArray src, long... shape) {
        long[] s = shape.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) unknown = i;
            else known *= s[i];
        }
        if (unknown >= 0) s[unknown] = src.length() / Math.max(1, known);
        if (length(s) != src.length())
            throw new IllegalArgumentException("cannot reshape " + shapeText(src.shape()) + " to " + shapeText(shape));
        INDArray out = org.nd4j.linalg.factory.Nd4j.createUninitialized(src.dataType(), s);
        out.reshape('c', src.shape()).assign(src);
        return out;
    }

    /** Sum over dimensions into a fresh array of the reduced shape (all dimensions when none are given: shape []). */
    public static INDArray sum(INDArray x, int... dims) {
        return reduce(x, dims, false);
    }

    /** Mean over dimensions into a fresh array of the reduced shape (all dimensions when none are given). */
    public static INDArray mean(INDArray x, int... dims) {
        return reduce(x, dims, true);
    }

    private static INDArray reduce(INDArray x, int[] dims, boolean mean) {
        int[] d = dims.length == 0 ? java.util.stream.IntStream.range(0, x.rank()).toArray() : dims;
        java.util.Set<Integer> reduced = new java.util.HashSet<>();
        for (int i : d) reduced.add(i < 0 ? i + x.rank() : i);
        long[] kept = java.util.stream.IntStream.range(0, x.rank()).filter(i -> !reduced.contains(i)).mapToLong(x::size).toArray();
        INDArray out = org.nd4j.linalg.factory.Nd4j.createUninitialized(x.dataType(), kept);
        org.nd4j.linalg.api.ops.ReduceOp op = mean
                ? new org.nd4j.linalg.api.ops.impl.reduce.floating.Mean(x, out, false, d)
                : new org.nd4j.linalg.api.ops.impl.reduce.same.Sum(x, out, false, d);
        org.nd4j.linalg.factory.Nd4j.exec(op);
        return out;
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
