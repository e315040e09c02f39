package io.pixelgrad.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * A float32 matrix stored by its nonzeros, row by row, and the separable map y = R x C^T of {@link
 * Kernels#separableLinear} computed through two of them. An interpolation matrix has two nonzeros per row (bilinear
 * resize) where a dense matrix product multiplies every entry: resizing AlexNet's 128x128 picture to 224x224 took two
 * matrix products of 0.4-0.7 ms each way, for about 0.3 million nonzero terms. Each row's sum runs in ascending column
 * order with fused multiply-adds, as a matrix product's does, and skips the zeros: 0 * infinity adds no NaN here.
 */
record SparseRows(int columns, int[] start, int[] index, float[] weight) {

    /** Average nonzeros per row above which a matrix counts as dense (the inverse Fourier transform's are all nonzero). */
    private static final int MAX_AVERAGE_NONZEROS = 8;

    /** Number of rows. */
    int rows() {
        return start.length - 1;
    }

    /** The rows of m (of m^T when transposed), or null when m is too dense for this to pay. */
    static SparseRows of(INDArray m, boolean transposed) {
        int r = (int) m.size(0), c = (int) m.size(1);
        INDArray dense = Arrays.contiguous(m);
        float[] v = new float[r * c];
        dense.data().asNioFloat().get(0, v);
        if (dense != m) Arrays.release(dense);
        int rows = transposed ? c : r, columns = transposed ? r : c;
        int nonzeros = 0;
        for (float f : v) if (f != 0f) nonzeros++;
        if (nonzeros > MAX_AVERAGE_NONZEROS * rows) return null;
        int[] start = new int[rows + 1], index = new int[nonzeros];
        float[] weight = new float[nonzeros];
        int k = 0;
        for (int i = 0; i < rows; i++) {
            start[i] = k;
            for (int j = 0; j < columns; j++) {
                float f = transposed ? v[j * c + i] : v[i * c + j];
                if (f == 0f) continue;
                index[k] = j;
                weight[k++] = f;
            }
        }
        start[rows] = k;
        return new SparseRows(columns, start, index, weight);
    }

    /** y = R x C^T on every plane of a float32 x [N,C,H,W] (H = rows.columns(), W = cols.columns()). */
    static INDArray separable(INDArray input, SparseRows rows, SparseRows cols) {
        INDArray x = Arrays.contiguous(input);
        int planes = (int) (x.size(0) * x.size(1)), h = rows.columns(), w = cols.columns();
        int outH = rows.rows(), outW = cols.rows();
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.size(0), x.size(1), outH, outW);
        FloatBuffer src = x.data().asNioFloat(), dst = out.data().asNioFloat();
        Parallel.forRanges(planes, (p0, p1) -> {
            float[] plane = new float[h * w], byRow = new float[h * outW], result = new float[outH * outW];
            for (int p = (int) p0; p < p1; p++) {
                src.get(p * h * w, plane, 0, h * w);
                // along each row first (x C^T), then across rows (R times that), as the two matrix products go
                for (int a = 0; a < h; a++) cols.applyToRow(plane, a * w, byRow, a * outW);
                java.util.Arrays.fill(result, 0f);
                for (int i = 0; i < outH; i++)
                    for (int k = rows.start[i]; k < rows.start[i + 1]; k++) {
                        float f = rows.weight[k];
                        int from = rows.index[k] * outW, to = i * outW;
                        for (int j = 0; j < outW; j++) result[to + j] = Math.fma(f, byRow[from + j], result[to + j]);
                    }
                dst.put(p * outH * outW, result, 0, outH * outW);
            }
        });
        if (x != input) Arrays.release(x);
        return out;
    }

    /** out[at + i] = sum over row i's nonzeros of weight * in[from + column], for every row i of this matrix. */
    private void applyToRow(float[] in, int from, float[] out, int at) {
        for (int i = 0; i < start.length - 1; i++) {
            float sum = 0f;
            for (int k = start[i]; k < start[i + 1]; k++) sum = Math.fma(weight[k], in[from + index[k]], sum);
            out[at + i] = sum;
        }
    }
}
