package io.pixelgrad.vis.dataset;

import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Reads a batch of activations [N, C, H, W] (or [N, F]) straight from its buffer through its strides, whatever the
 * layout (the CPU kernels keep convolution outputs channels-last): no row-major copy of every layer of every batch.
 * Reads are absolute, so several threads may read one buffer at once.
 */
final class ActivationBuffer implements AutoCloseable {

    private final INDArray copy;
    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final long s0, s1, s2, s3;
    final int n, c, h, w;

    ActivationBuffer(INDArray a) {
        long[] shape = a.shape();
        if (shape.length != 2 && shape.length != 4)
            throw new IllegalArgumentException("expected activations [N, C, H, W] or [N, F], got " + java.util.Arrays.toString(shape));
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)
            throw new IllegalArgumentException("activations are float32 or float64, not " + a.dataType());
        // A view that starts inside its buffer is copied once; ND4J's own arrays (dense or permuted) are read in place.
        boolean direct = a.offset() == 0 && a.data().length() == a.length();
        copy = direct ? null : a.dup('c');
        INDArray src = direct ? a : copy;
        long[] st = src.stride();
        n = (int) shape[0];
        c = (int) shape[1];
        h = shape.length == 4 ? (int) shape[2] : 1;
        w = shape.length == 4 ? (int) shape[3] : 1;
        s0 = st[0];
        s1 = st[1];
        s2 = shape.length == 4 ? st[2] : 0;
        s3 = shape.length == 4 ? st[3] : 0;
        floats = src.dataType() == DataType.FLOAT ? src.data().asNioFloat() : null;
        doubles = floats == null ? src.data().asNioDouble() : null;
    }

    /** Positions per channel (H * W; 1 for [N, F]). */
    int plane() {
        return h * w;
    }

    /** Channel ch of image i, row-major [H * W], into dst. */
    void plane(int i, int ch, double[] dst) {
        long base = i * s0 + ch * s1;
        int p = 0;
        for (int y = 0; y < h; y++) {
            long row = base + y * s2;
            for (int x = 0; x < w; x++) dst[p++] = get(row + x * s3);
        }
    }

    /** Image i flattened as torch.flatten does ([C, H, W] row-major), into dst from offset. */
    void flat(int i, double[] dst, int offset) {
        int plane = plane();
        double[] one = new double[plane];
        for (int ch = 0; ch < c; ch++) {
            plane(i, ch, one);
            System.arraycopy(one, 0, dst, offset + ch * plane, plane);
        }
    }

    private double get(long index) {
        return floats != null ? floats.get((int) index) : doubles.get((int) index);
    }

    /** Frees the copy made for an offset view (the array itself belongs to its tape). */
    @Override
    public void close() {
        if (copy != null) Arrays.release(copy);
    }
}
