package io.pixelgrad.vis;

import io.pixelgrad.engine.Interpolation;

/** Small operations on 2-D maps held as row-major arrays (upsampling in float64; channel reductions and scaling for display). */
public final class Maps {

    private Maps() {
    }

    /**
     * Bilinear resize of an [h,w] map to [outH,outW] with align_corners=false (PyTorch's F.interpolate): separable,
     * rows then columns, accumulated in double.
     */
    public static double[] resizeBilinear(double[] map, int h, int w, int outH, int outW) {
        double[][] ry = Interpolation.bilinear(h, outH), rx = Interpolation.bilinear(w, outW);
        double[] rows = new double[outH * w];
        for (int y = 0; y < outH; y++)
            for (int i = 0; i < h; i++) {
                double a = ry[y][i];
                if (a == 0) continue;
                for (int j = 0; j < w; j++) rows[y * w + j] += a * map[i * w + j];
            }
        double[] out = new double[outH * outW];
        for (int y = 0; y < outH; y++)
            for (int x = 0; x < outW; x++) {
                double s = 0;
                for (int j = 0; j < w; j++) s += rx[x][j] * rows[y * w + j];
                out[y * outW + x] = s;
            }
        return out;
    }

    /** Saliency's reduction of a [C,H,W] gradient: the largest absolute value over channels at each pixel. */
    public static float[] maxAbsOverChannels(float[] g, int channels, int h, int w) {
        float[] m = new float[h * w];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < h * w; i++) m[i] = Math.max(m[i], Math.abs(g[c * h * w + i]));
        return m;
    }

    /** The map scaled linearly to [0,1] (a constant map becomes all zeros). */
    public static float[] minMax(float[] m) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : m) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float[] out = new float[m.length];
        if (!(hi > lo)) return out;
        for (int i = 0; i < m.length; i++) out[i] = (m[i] - lo) / (hi - lo);
        return out;
    }

    /**
     * A non-negative map scaled so that its 99th percentile becomes 1, larger values clipped: a few extreme pixels
     * would otherwise turn the rest of a gradient map black (the usual display of Smilkov et al. 2017).
     */
    public static float[] percentileScale(float[] m, double percentile) {
        float top = percentile(m, percentile);
        float[] out = new float[m.length];
        if (!(top > 0)) return minMax(m);
        for (int i = 0; i < m.length; i++) out[i] = Math.min(1f, Math.max(0f, m[i] / top));
        return out;
    }

    /** The value below which the given fraction of |m| lies (nearest rank). */
    public static float percentile(float[] m, double fraction) {
        if (m.length == 0) return 0;
        float[] a = new float[m.length];
        for (int i = 0; i < m.length; i++) a[i] = Math.abs(m[i]);
        int rank = (int) Math.min(m.length - 1, Math.max(0, Math.ceil(fraction * m.length) - 1));
        return select(a, rank);
    }

    /**
     * The value that sorting a (in Float.compare's order: NaN last) would put at index k, found by partitioning
     * instead of sorting (linear time: this runs on every drawn gradient map); a is reordered.
     */
    static float select(float[] a, int k) {
        int lo = 0, hi = a.length - 1;
        while (lo < hi) {
            float pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi]);
            int i = lo, j = hi;
            while (i <= j) {
                while (Float.compare(a[i], pivot) < 0) i++;
                while (Float.compare(a[j], pivot) > 0) j--;
                if (i <= j) {
                    float t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            // now a[lo..j] <= pivot <= a[i..hi], and everything strictly between j and i equals the pivot
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
    }

    private static float medianOfThree(float x, float y, float z) {
        if (Float.compare(x, y) > 0) {
            float t = x;
            x = y;
            y = t;
        }
        if (Float.compare(y, z) > 0) y = Float.compare(x, z) > 0 ? x : z;
        return y;
    }
}
