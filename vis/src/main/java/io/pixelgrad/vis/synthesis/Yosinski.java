package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.optim.Closure;
import io.pixelgrad.autograd.optim.Optimizer;
import io.pixelgrad.vis.Passes;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Locale;

/**
 * Yosinski et al. (2015)'s regularizers, applied to the parameters between steps (input parametrization, normalized
 * space), in their order: (b) decay x &lt;- (1 - decay) x; (c) every blurEvery steps (counted from the first) a Gaussian
 * blur of radius blurRadius per channel (scipy's gaussian_filter: mode reflect, truncated at 4 sigma); (e) pixels whose
 * norm over channels is below the normPercentile-th percentile are set to 0; (g) pixels whose |contribution|
 * |sum_c g x| is below the contributionPercentile-th percentile are set to 0 (g: the objective's gradient).
 * Percentiles interpolate linearly (NumPy's default).
 *
 * <p>The four settings of the paper's Table 1 are presets 1 to 4, with their learning-rate policy: "constant" steps
 * x &lt;- x + lr g, "progress" steps with lr = min(maxLr, desiredProgress / |g|^2). The paper works in Caffe's 0..255
 * pixel units; pixelgrad's normalized units are about 255 * 0.226 = 57.6 times larger, so learning rates are divided
 * by 57.6^2 here (progress is unit-free: only its cap is converted).
 */
public record Yosinski(double decay, double blurRadius, int blurEvery, double normPercentile, double contributionPercentile,
                       boolean progress, double lr, double desiredProgress, int steps) implements RenderLoop.BetweenSteps {

    /** Caffe pixel units per normalized unit (255 times ImageNet's mean standard deviation). */
    public static final double CAFFE_UNITS = 255 * 0.226;

    /** A preset of the paper's Table 1, 1 to 4. */
    public static Yosinski preset(int n) {
        double k = CAFFE_UNITS * CAFFE_UNITS;
        return switch (n) {
            case 1 -> new Yosinski(0, 0.5, 4, 50, 0, true, 100 / k, 2.0, 500);
            case 2 -> new Yosinski(0.3, 0, 0, 20, 0, false, 100 / k, 0, 750);
            case 3 -> new Yosinski(1e-4, 1.0, 4, 0, 0, false, 100 / k, 0, 1000);
            case 4 -> new Yosinski(0, 0.5, 4, 0, 90, true, 1e8 / k, 2.0, 1000);
            default -> throw new IllegalArgumentException("Yosinski's presets are 1 to 4, not " + n);
        };
    }

    /** The preset by name, "yosinski1" to "yosinski4" (or just the digit). */
    public static Yosinski preset(String name) {
        String s = name.strip().toLowerCase(Locale.ROOT).replace("yosinski", "");
        try {
            return preset(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown regularizer preset '" + name + "'; known: yosinski1 .. yosinski4");
        }
    }

    /** The optimizer of this setting: plain ascent with a constant or a "progress" learning rate. */
    public Optimizer optimizer(List<INDArray> params) {
        return new Step(params, this);
    }

    @Override
    public void apply(int step, INDArray p, INDArray g) {
        if (step >= steps) return;     // the paper's loop applies them after every update but the last
        long n = p.size(0), c = p.size(1), h = p.size(2), w = p.size(3);
        double[] x = Passes.values(p);
        double[] grad = Passes.values(g);
        int plane = (int) (h * w), size = (int) (c * plane);
        for (int b = 0; b < n; b++) {
            int base = b * size;
            if (decay > 0) for (int i = 0; i < size; i++) x[base + i] *= 1 - decay;
            if (blurEvery > 0 && blurRadius > 0 && (step - 1) % blurEvery == 0)
                for (int ch = 0; ch < c; ch++) gaussianBlur(x, base + ch * plane, (int) h, (int) w, blurRadius);
            if (normPercentile > 0) {
                double[] norms = new double[plane];
                for (int ch = 0; ch < c; ch++) for (int i = 0; i < plane; i++) norms[i] += x[base + ch * plane + i] * x[base + ch * plane + i];
                for (int i = 0; i < plane; i++) norms[i] = Math.sqrt(norms[i]);
                zeroBelow(x, base, (int) c, plane, norms, percentile(norms, normPercentile));
            }
            if (contributionPercentile > 0) {
                double[] benefit = new double[plane];
                for (int ch = 0; ch < c; ch++)
                    for (int i = 0; i < plane; i++) benefit[i] += grad[base + ch * plane + i] * -x[base + ch * plane + i];
                for (int i = 0; i < plane; i++) benefit[i] = Math.abs(benefit[i]);
                zeroBelow(x, base, (int) c, plane, benefit, percentile(benefit, contributionPercentile));
            }
        }
        INDArray updated = Passes.array(x, p.dataType(), p.shape());
        p.assign(updated);
        io.pixelgrad.engine.Arrays.release(updated);
    }

    private static void zeroBelow(double[] x, int base, int channels, int plane, double[] score, double threshold) {
        for (int i = 0; i < plane; i++)
            if (score[i] < threshold) for (int ch = 0; ch < channels; ch++) x[base + ch * plane + i] = 0;
    }

    /** NumPy's percentile with linear interpolation. */
    static double percentile(double[] v, double pct) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        double rank = pct / 100 * (s.length - 1);
        int lo = (int) Math.floor(rank), hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (rank - lo) * (s[hi] - s[lo]);
    }

    /** scipy.ndimage.gaussian_filter of one h x w plane at offset, in place: mode "reflect", truncate 4. */
    static void gaussianBlur(double[] x, int offset, int h, int w, double sigma) {
        int r = (int) (4 * sigma + 0.5);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int t = -r; t <= r; t++) sum += k[t + r] = Math.exp(-0.5 * t * t / (sigma * sigma));
        for (int t = 0; t < k.length; t++) k[t] /= sum;
        double[] tmp = new double[h * w];
        for (int y = 0; y < h; y++)
            for (int j = 0; j < w; j++) {
                double s = 0;
                for (int t = -r; t <= r; t++) s += k[t + r] * x[offset + y * w + reflect(j + t, w)];
                tmp[y * w + j] = s;
            }
        for (int y = 0; y < h; y++)
            for (int j = 0; j < w; j++) {
                double s = 0;
                for (int t = -r; t <= r; t++) s += k[t + r] * tmp[reflect(y + t, h) * w + j];
                x[offset + y * w + j] = s;
            }
    }

    /** scipy's "reflect" extension (d c b a | a b c d | d c b a). */
    static int reflect(int i, int n) {
        if (n == 1) return 0;
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }

    /** The ascent step of a Yosinski setting: x <- x + lr g, lr constant or min(maxLr, desired / |g|^2). */
    static final class Step extends Optimizer {
        private final Yosinski setting;

        Step(List<INDArray> params, Yosinski setting) {
            super(params);
            this.setting = setting;
            setLearningRate(setting.lr);
        }

        @Override
        public double step(Closure closure) {
            double loss = evaluate(closure);
            INDArray p = parameters().get(0), g = gradients().get(0);    // g: the gradient of -objective
            double lr = learningRate();
            if (setting.progress) {
                double norm2 = g.norm2Number().doubleValue();
                lr = norm2 == 0 ? setting.lr : Math.min(setting.lr, setting.desiredProgress / (norm2 * norm2));
            }
            INDArray update = g.mul(rounded(lr));
            p.subi(update);
            io.pixelgrad.engine.Arrays.release(update);
            countStep();
            return loss;
        }

        @Override
        protected void releaseState() {
        }
    }
}
