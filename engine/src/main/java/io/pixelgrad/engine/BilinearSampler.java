package io.pixelgrad.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fixed bilinear sampling positions for every output pixel of a plane: output (y, x) reads the input at a real-valued
 * position (sy, sx) from its four neighbours, weighted by distance. Neighbours outside the input get weight 0 (they
 * count as 0). What rotating an image needs; the positions depend only on the sizes and the angle, not on the values.
 */
public final class BilinearSampler {

    private final int inH, inW, outH, outW;
    private final int[][] index = new int[4][];       // per corner, the input plane index of each output pixel
    private final double[][] weight = new double[4][]; // per corner, its weight (0 outside the input)

    private BilinearSampler(int inH, int inW, int outH, int outW, double[] sy, double[] sx) {
        this.inH = inH;
        this.inW = inW;
        this.outH = outH;
        this.outW = outW;
        int p = outH * outW;
        for (int k = 0; k < 4; k++) {
            index[k] = new int[p];
            weight[k] = new double[p];
        }
        for (int i = 0; i < p; i++) {
            double y = sy[i], x = sx[i];
            int y0 = (int) Math.floor(y), x0 = (int) Math.floor(x);
            double fy = y - y0, fx = x - x0;
            int[] ys = {y0, y0, y0 + 1, y0 + 1}, xs = {x0, x0 + 1, x0, x0 + 1};
            double[] ws = {(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx};
            for (int k = 0; k < 4; k++) {
                boolean inside = ys[k] >= 0 && ys[k] < inH && xs[k] >= 0 && xs[k] < inW;
                index[k][i] = inside ? ys[k] * inW + xs[k] : 0;
                weight[k][i] = inside ? ws[k] : 0;
            }
        }
    }

    /**
     * Rotation of an h x w image by the angle (degrees, counter-clockwise as seen on screen, y pointing down) about its
     * centre ((w-1)/2, (h-1)/2): output (y, x) reads the input at
     * sx = cx + cos(a)(x - cx) - sin(a)(y - cy), sy = cy + sin(a)(x - cx) + cos(a)(y - cy).
     */
    public static BilinearSampler rotation(int h, int w, double degrees) {
        double a = Math.toRadians(degrees), cos = Math.cos(a), sin = Math.sin(a);
        double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        double[] sy = new double[h * w], sx = new double[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                sx[y * w + x] = cx + cos * (x - cx) - sin * (y - cy);
                sy[y * w + x] = cy + sin * (x - cx) + cos * (y - cy);
            }
        return new BilinearSampler(h, w, h, w, sy, sx);
    }

    /** Input height. */
    public int inH() {
        return inH;
    }

    /** Input width. */
    public int inW() {
        return inW;
    }

    /** Output height. */
    public int outH() {
        return outH;
    }

    /** Output width. */
    public int outW() {
        return outW;
    }

    /** Corner k's input plane index for every output pixel (0 where the weight is 0); do not modify. */
    int[] indices(int k) {
        return index[k];
    }

    /** Corner k's weight for every output pixel; do not modify. */
    double[] weights(int k) {
        return weight[k];
    }

    /** Corner k's input indices for every output pixel, as an INT64 vector (a new array). */
    public INDArray indexArray(int k) {
        long[] l = new long[index[k].length];
        for (int i = 0; i < l.length; i++) l[i] = index[k][i];
        return Nd4j.createFromArray(l);
    }

    /** Corner k's weights for every output pixel as a row vector [1, outputs] of the given type (a new array). */
    public INDArray weightArray(int k, DataType type) {
        INDArray d = Nd4j.createFromArray(weight[k]).reshape(1, weight[k].length);
        if (type == DataType.DOUBLE) return d;
        INDArray t = d.castTo(type);
        Arrays.release(d);
        return t;
    }
}
