package io.pixelgrad.engine;

/** Interpolation matrices: row i holds the weights that output sample i gives to each input sample. */
public final class Interpolation {

    private Interpolation() {
    }

    /**
     * Bilinear weights with align_corners=false and no antialiasing, as PyTorch's F.interpolate: the source of output
     * i is (i + 0.5) * in/out - 0.5, clamped at 0.
     */
    public static double[][] bilinear(long in, long out) {
        double[][] m = new double[(int) out][(int) in];
        double scale = (double) in / out;
        for (int i = 0; i < out; i++) {
            double src = Math.max(scale * (i + 0.5) - 0.5, 0.0);
            int lo = (int) src;
            int hi = lo < in - 1 ? lo + 1 : lo;
            double frac = src - lo;
            m[i][lo] += 1.0 - frac;
            m[i][hi] += frac;
        }
        return m;
    }

    /**
     * Bilinear weights with align_corners=true (PyTorch's F.interpolate and nn.Upsample with align_corners=True): the
     * first and last samples of input and output coincide, the source of output i is i * (in-1)/(out-1).
     */
    public static double[][] bilinearAlignCorners(long in, long out) {
        double[][] m = new double[(int) out][(int) in];
        double scale = out > 1 ? (double) (in - 1) / (out - 1) : 0;
        for (int i = 0; i < out; i++) {
            double src = scale * i;
            int lo = (int) Math.min(Math.floor(src), in - 1);
            int hi = lo < in - 1 ? lo + 1 : lo;
            double frac = src - lo;
            m[i][lo] += 1.0 - frac;
            m[i][hi] += frac;
        }
        return m;
    }

    /**
     * Antialiased bilinear (triangle filter widened by the downscale factor, as PIL's resize and torchvision's
     * Resize of PIL images): each output averages every input sample under its stretched triangle.
     */
    public static double[][] antialiasedBilinear(long in, long out) {
        double[][] m = new double[(int) out][(int) in];
        double scale = (double) in / out;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale;
        for (int i = 0; i < out; i++) {
            double center = (i + 0.5) * scale;
            int from = (int) Math.max(Math.floor(center - support + 0.5), 0);
            int to = (int) Math.min(Math.floor(center + support + 0.5), in);
            double total = 0;
            for (int j = from; j < to; j++) {
                double t = Math.abs((j + 0.5 - center) / filterScale);
                double weight = t < 1 ? 1 - t : 0;
                m[i][j] = weight;
                total += weight;
            }
            if (total > 0) for (int j = from; j < to; j++) m[i][j] /= total;
        }
        return m;
    }
}
