package io.pixelgrad.vis;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * SmoothGrad (Smilkov et al. 2017) over any gradient method: the mean of its gradient over N noisy copies
 * x + Normal(0, sigma^2), sigma = fraction * (max(x) - min(x)) (fraction 0.15 by default). The noise comes from a
 * generator seeded by the caller, so a run is reproducible.
 */
public final class SmoothGrad implements GradientMethod {

    private final GradientMethod base;
    private final int samples, batchSize;
    private final double sigmaFraction;
    private final long seed;
    private final ProgressListener progress;

    /** SmoothGrad of a base method with N samples, sigma as a fraction of the input's range, and a seed. */
    public SmoothGrad(GradientMethod base, int samples, double sigmaFraction, long seed) {
        this(base, samples, sigmaFraction, seed, 4, ProgressListener.NONE);
    }

    /** As above, with the most samples per pass and a progress listener (counts samples). */
    public SmoothGrad(GradientMethod base, int samples, double sigmaFraction, long seed, int batchSize, ProgressListener progress) {
        if (samples < 1) throw new IllegalArgumentException("SmoothGrad needs at least 1 sample, not " + samples);
        if (!(sigmaFraction >= 0)) throw new IllegalArgumentException("sigma must be >= 0, not " + sigmaFraction);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        this.base = base;
        this.samples = samples;
        this.sigmaFraction = sigmaFraction;
        this.seed = seed;
        this.batchSize = batchSize;
        this.progress = progress;
    }

    @Override
    public String name() {
        return "smoothgrad";
    }

    @Override
    public io.pixelgrad.autograd.nn.Module model() {
        return base.model();
    }

    @Override
    public Attribution attribute(INDArray input, Target target) {
        INDArray x = Passes.asBatchOfOne(input);
        int cls = Passes.resolveClass(target, Passes.logits(base.model(), x));
        float[] noise = new float[samples * (int) x.length()];
        Random random = new Random(seed);
        for (int i = 0; i < noise.length; i++) noise[i] = (float) random.nextGaussian();
        return attribute(x, cls, noise);
    }

    /**
     * SmoothGrad with given unit-normal noise, [samples,C,H,W] row-major (scaled by sigma here): how tests feed the
     * same noise as the reference implementation.
     */
    public Attribution attribute(INDArray input, int cls, float[] unitNoise) {
        INDArray x = Passes.asBatchOfOne(input);
        float[] image = Passes.floats(x);
        int size = image.length;
        if (unitNoise.length != samples * size)
            throw new IllegalArgumentException("noise has " + unitNoise.length + " values, expected " + samples * size);
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : image) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float sigma = (float) (sigmaFraction * ((double) hi - lo));
        double[] sum = Passes.sumOfGradients(base, cls, x, samples, batchSize, (k, batch, offset) -> {
            for (int i = 0; i < size; i++) batch[offset + i] = image[i] + sigma * unitNoise[k * size + i];
        }, progress);
        float[] mean = new float[size];
        for (int i = 0; i < size; i++) mean[i] = (float) (sum[i] / samples);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("base", base.name());
        p.put("samples", samples);
        p.put("sigma_fraction", sigmaFraction);
        p.put("sigma", sigma);
        p.put("seed", seed);
        return RuleGradient.gradientResult(name(), mean, x, cls, null, p);
    }

    @Override
    public INDArray gradient(INDArray batch, int targetClass) {
        float[] all = new float[(int) batch.length()];
        int size = (int) (batch.length() / batch.size(0));
        for (int n = 0; n < batch.size(0); n++) {
            INDArray one = batch.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(n, n + 1)).dup('c');
            System.arraycopy(attribute(one, Target.classIndex(targetClass)).raw(), 0, all, n * size, size);
        }
        return Passes.array(all, batch.shape());
    }
}
