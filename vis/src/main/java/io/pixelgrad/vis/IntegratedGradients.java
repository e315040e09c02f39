package io.pixelgrad.vis;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Integrated gradients (Sundararajan et al. 2017): (x - x0) times the mean of the gradient at x0 + (k/m)(x - x0),
 * k = 1..m (a right Riemann sum of the path integral); baseline x0 = 0 (the dataset mean in normalized space) unless
 * given. The attributions add up to about S_c(x) - S_c(x0).
 */
public final class IntegratedGradients implements Explainer {

    private final GradientMethod base;
    private final int steps, batchSize;
    private final float[] baseline;
    private final ProgressListener progress;

    /** Integrated gradients of the true gradient with m steps from a zero baseline. */
    public IntegratedGradients(GradientMethod base, int steps) {
        this(base, steps, null, 4, ProgressListener.NONE);
    }

    /** As above with a baseline [C,H,W] row-major (null for zeros), the most steps per pass and a progress listener. */
    public IntegratedGradients(GradientMethod base, int steps, float[] baseline, int batchSize, ProgressListener progress) {
        if (steps < 1) throw new IllegalArgumentException("integrated gradients needs at least 1 step, not " + steps);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        this.base = base;
        this.steps = steps;
        this.baseline = baseline;
        this.batchSize = batchSize;
        this.progress = progress;
    }

    @Override
    public String name() {
        return "ig";
    }

    /** The model explained. */
    public io.pixelgrad.autograd.nn.Module model() {
        return base.model();
    }

    @Override
    public Attribution attribute(INDArray input, Target target) {
        INDArray x = Passes.asBatchOfOne(input);
        int cls = Passes.resolveClass(target, Passes.logits(base.model(), x));
        float[] image = Passes.floats(x);
        int size = image.length;
        float[] x0 = baseline == null ? new float[size] : baseline;
        if (x0.length != size) throw new IllegalArgumentException("baseline has " + x0.length + " values, the input " + size);
        // Step k (0-based) is the point x0 + (k+1)/m (x - x0) of the straight path from the baseline.
        double[] sum = Passes.sumOfGradients(base, cls, x, steps, batchSize, (k, batch, offset) -> {
            float alpha = (float) (k + 1) / steps;
            for (int i = 0; i < size; i++) batch[offset + i] = x0[i] + alpha * (image[i] - x0[i]);
        }, progress);
        float[] ig = new float[size];
        for (int i = 0; i < size; i++) ig[i] = (float) ((image[i] - x0[i]) * (sum[i] / steps));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("base", base.name());
        p.put("steps", steps);
        p.put("baseline", baseline == null ? "zeros" : "given");
        return RuleGradient.gradientResult(name(), ig, x, cls, null, p);
    }
}
