package io.pixelgrad.vis.synthesis;

/**
 * The TensorFlow DeepDream notebook's Laplacian-pyramid gradient normalization ({@code lap_normalize}, 4 levels): the
 * gradient is split into frequency bands (a 5x5 binomial blur [1 4 6 4 1]^2/256 with stride 2, 'SAME' padding, and its
 * transposed convolution with the kernel times 4), every band is divided by its root mean square (at least 1e-10), and
 * the bands are added back. Low frequencies then get as much weight as high ones, which gives smoother dreams than the
 * plain mean-|g| step. Works on one picture [C,H,W] at a time, in double precision.
 */
final class LaplacianPyramid {

    private static final double[] KERNEL = {1 / 16.0, 4 / 16.0, 6 / 16.0, 4 / 16.0, 1 / 16.0};

    private LaplacianPyramid() {
    }

    /** lap_normalize of a picture-shaped gradient [C,H,W] (row-major), with the given number of levels. */
    public static double[] normalize(double[] g, int channels, int h, int w, int levels) {
        // split: levels high bands (finest first), then the remaining low band
        double[][] bands = new double[levels + 1][];
        int[] hs = new int[levels + 1], ws = new int[levels + 1];
        double[] img = g;
        int ch = h, cw = w;
        for (int i = 0; i < levels; i++) {
            int lh = (ch + 1) / 2, lw = (cw + 1) / 2;
            double[] lo = down(img, channels, ch, cw);
            double[] lo2 = up(lo, channels, lh, lw, ch, cw);
            double[] hi = new double[img.length];
            for (int k = 0; k < hi.length; k++) hi[k] = img[k] - lo2[k];
            bands[i] = hi;
            hs[i] = ch;
            ws[i] = cw;
            img = lo;
            ch = lh;
            cw = lw;
        }
        bands[levels] = img;
        hs[levels] = ch;
        ws[levels] = cw;
        for (double[] b : bands) normalizeStd(b);
        // merge from the coarsest band up
        double[] out = bands[levels];
        for (int i = levels - 1; i >= 0; i--) {
            double[] u = up(out, channels, hs[i + 1], ws[i + 1], hs[i], ws[i]);
            for (int k = 0; k < u.length; k++) u[k] += bands[i][k];
            out = u;
        }
        return out;
    }

    /** b / max(sqrt(mean(b^2)), 1e-10), in place. */
    private static void normalizeStd(double[] b) {
        double s = 0;
        for (double v : b) s += v * v;
        double std = Math.max(Math.sqrt(s / b.length), 1e-10);
        for (int i = 0; i < b.length; i++) b[i] /= std;
    }

    /** 'SAME' padding of a stride-2 5-tap filter: (before, output size). */
    private static int padBefore(int size) {
        int out = (size + 1) / 2;
        int total = Math.max((out - 1) * 2 + 5 - size, 0);
        return total / 2;
    }

    /** Blur with stride 2 along both axes (separable; the binomial kernel is an outer product). */
    static double[] down(double[] x, int c, int h, int w) {
        int oh = (h + 1) / 2, ow = (w + 1) / 2, ph = padBefore(h), pw = padBefore(w);
        double[] rows = new double[c * oh * w];
        for (int k = 0; k < c; k++)
            for (int i = 0; i < oh; i++)
                for (int t = 0; t < 5; t++) {
                    int y = 2 * i - ph + t;
                    if (y < 0 || y >= h) continue;
                    for (int j = 0; j < w; j++) rows[(k * oh + i) * w + j] += KERNEL[t] * x[(k * h + y) * w + j];
                }
        double[] out = new double[c * oh * ow];
        for (int k = 0; k < c; k++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double s = 0;
                    for (int t = 0; t < 5; t++) {
                        int xx = 2 * j - pw + t;
                        if (xx >= 0 && xx < w) s += KERNEL[t] * rows[(k * oh + i) * w + xx];
                    }
                    out[(k * oh + i) * ow + j] = s;
                }
        return out;
    }

    /** The transposed operation of {@link #down} times 4 (2 per axis), back to h x w. */
    static double[] up(double[] lo, int c, int lh, int lw, int h, int w) {
        int ph = padBefore(h), pw = padBefore(w);
        double[] cols = new double[c * lh * w];
        for (int k = 0; k < c; k++)
            for (int i = 0; i < lh; i++)
                for (int j = 0; j < lw; j++) {
                    double v = lo[(k * lh + i) * lw + j];
                    for (int t = 0; t < 5; t++) {
                        int xx = 2 * j - pw + t;
                        if (xx >= 0 && xx < w) cols[(k * lh + i) * w + xx] += 2 * KERNEL[t] * v;
                    }
                }
        double[] out = new double[c * h * w];
        for (int k = 0; k < c; k++)
            for (int i = 0; i < lh; i++)
                for (int t = 0; t < 5; t++) {
                    int y = 2 * i - ph + t;
                    if (y < 0 || y >= h) continue;
                    for (int j = 0; j < w; j++) out[(k * h + y) * w + j] += 2 * KERNEL[t] * cols[(k * lh + i) * w + j];
                }
        return out;
    }
}
