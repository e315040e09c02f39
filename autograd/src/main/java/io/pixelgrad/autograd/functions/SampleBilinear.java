package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.BilinearSampler;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bilinear sampling of every plane at fixed positions (a rotation, say); outside the image counts as 0. Linear in x,
 * so backward scatters the gradient back with the same weights.
 */
public final class SampleBilinear extends Function {

    private final BilinearSampler sampler;

    private SampleBilinear(Tensor x, BilinearSampler sampler) {
        super(x);
        this.sampler = sampler;
    }

    /** Samples x [N,C,H,W] at the sampler's positions. */
    public static Tensor apply(Tensor x, BilinearSampler sampler) {
        return new SampleBilinear(x, sampler).output(KERNELS.sampleBilinear(x.value(), sampler));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{KERNELS.sampleBilinearBackward(g, sampler)};
    }
}
