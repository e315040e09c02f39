package io.pixelgrad.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The numeric kernels of pixelgrad over NCHW INDArrays (float32, or float64 for gradient checks).
 *
 * <p>Two implementations exist: {@link PortableKernels}, made only of ND4J ops (what a CUDA backend runs), and
 * {@link CpuKernels}, which replaces the kernels that are faster on a CPU. {@link #get()} picks one. Every kernel
 * returns a new array the caller owns and may {@code close()}; inputs are never modified.
 */
public interface Kernels {

    /** System property that forces a kernel set: {@code cpu} or {@code portable}. */
    String PROPERTY = "pixelgrad.kernels";

    /** The kernel set for the ND4J backend in use, unless the system property {@value #PROPERTY} names one. */
    static Kernels get() {
        return KernelSelection.INSTANCE;
    }

    /** A short name of this kernel set ({@code cpu} or {@code portable}). */
    String name();

    /** Cross-correlation of x [N,C,H,W] with weight [O,C/groups,kH,kW], plus bias [O] if not null. */
    INDArray conv2d(INDArray x, INDArray weight, INDArray bias, ConvSpec spec);

    /**
     * Gradients of {@link #conv2d}: to the input when {@code wantInput}, to weight and bias when {@code wantWeights}.
     * The input gradient is the transposed convolution of gradOut with the same weights.
     */
    ConvGradients conv2dBackward(INDArray x, INDArray weight, boolean hasBias, INDArray gradOut, ConvSpec spec,
                                 boolean wantInput, boolean wantWeights);

    /** max(x, 0) elementwise; the result has x's layout. */
    INDArray relu(INDArray x);

    /**
     * The gradient reaching x through relu(x), given the gradient g at its output: g, clamped at 0 when
     * {@code clampGradient} (guided backprop, deconvnet), and zeroed where x &lt;= 0 when {@code maskByInput} (the true
     * gradient, guided backprop). The result has x's layout.
     */
    INDArray reluBackward(INDArray x, INDArray g, boolean clampGradient, boolean maskByInput);

    /** Max-pool with -inf padding that records the switches (first maximum in row-major order wins; NaN propagates). */
    MaxPoolResult maxPool2d(INDArray x, PoolSpec spec);

    /** The values of {@link #maxPool2d} without the switches, for passes that will not go backwards. */
    default INDArray maxPool2dValues(INDArray x, PoolSpec spec) {
        MaxPoolResult r = maxPool2d(x, spec);
        Arrays.release(r.switches());
        return r.output();
    }

    /** Routes gradOut to the switches of a max-pool, adding where windows overlap; returns an array of inputShape. */
    INDArray maxUnpoolAdd(INDArray gradOut, INDArray switches, long[] inputShape, PoolSpec spec);

    /**
     * The gradient reaching the input of a ReLU whose output only a max-pool with disjoint windows consumed: the
     * ReLU's backward rule ({@link #reluBackward}'s flags) taken at the pooled values, then routed to the switches.
     * A winner is positive exactly when its ReLU input was, and every other position gets zero either way, so this
     * equals unpooling and then the ReLU's backward (up to the sign of zeros) with a pass over the small gradient
     * only. Returns an array of inputShape.
     */
    default INDArray maxUnpoolReluBackward(INDArray gradOut, INDArray pooled, INDArray switches, long[] inputShape,
                                           PoolSpec spec, boolean clampGradient, boolean maskByInput) {
        if (!spec.windowsDisjoint()) throw new IllegalArgumentException("the ReLU rule is taken at the winners only when windows are disjoint");
        INDArray atWinners = reluBackward(pooled, gradOut, clampGradient, maskByInput);
        try {
            return maxUnpoolAdd(atWinners, switches, inputShape, spec);
        } finally {
            Arrays.release(atWinners);
        }
    }

    /** Average pooling, zero padding counted in the divisor (PyTorch's default count_include_pad=True). */
    INDArray avgPool2d(INDArray x, PoolSpec spec);

    /** Gradient of {@link #avgPool2d} to its input. */
    INDArray avgPool2dBackward(INDArray gradOut, long[] inputShape, PoolSpec spec);

    /** Adaptive average pooling to outH x outW (cell i averages rows floor(i*in/out) .. ceil((i+1)*in/out)-1). */
    INDArray adaptiveAvgPool2d(INDArray x, int outH, int outW);

    /** Gradient of {@link #adaptiveAvgPool2d} to its input. */
    INDArray adaptiveAvgPool2dBackward(INDArray gradOut, long[] inputShape);

    /** Matrix product a·b with optional transposes (a^T when transposeA, b^T when transposeB). */
    INDArray gemm(INDArray a, INDArray b, boolean transposeA, boolean transposeB);

    /** Fully connected layer y = x W^T + b for x [N,in], W [out,in], b [out] (bias may be null). */
    default INDArray linear(INDArray x, INDArray weight, INDArray bias) {
        INDArray y = gemm(x, weight, false, true);
        if (bias != null) y.addiRowVector(bias);
        return y;
    }

    /**
     * y[n,c,h,w] = x[n,c,h,w] * scale[c] + shift[c] (shift may be null): batch norm at inference and its input
     * gradient. The result has x's layout.
     */
    INDArray channelAffine(INDArray x, INDArray scale, INDArray shift);

    /** Local response normalization across channels: a_c / (k + alpha/n * sum of a^2 over the n channels around c)^beta. */
    INDArray lrn(INDArray x, int size, double alpha, double beta, double k);

    /** Gradient of {@link #lrn} to its input. */
    INDArray lrnBackward(INDArray x, INDArray gradOut, int size, double alpha, double beta, double k);

    /** Bilinear resize of [N,C,H,W] to outH x outW with align_corners=false (PyTorch's F.interpolate). */
    INDArray resizeBilinear(INDArray x, int outH, int outW);

    /** Gradient of {@link #resizeBilinear} to its input of size inH x inW. */
    INDArray resizeBilinearBackward(INDArray gradOut, int inH, int inW);

    /**
     * A linear map applied to each plane of x [N,C,H,W] separately along rows and columns: y = R x C^T, with R
     * [outH, H] and C [outW, W] (resizing, the inverse Fourier transform of the fft parametrization); with
     * {@code transposed}, y = R^T x C (its gradient), R [H, outH] and C [W, outW]. The matrices have x's data type.
     */
    INDArray separableLinear(INDArray x, INDArray rows, INDArray cols, boolean transposed);

    /** Bilinear sampling of each plane of x at fixed positions ({@link BilinearSampler}); outside the image counts 0. */
    INDArray sampleBilinear(INDArray x, BilinearSampler sampler);

    /** Gradient of {@link #sampleBilinear} to its input (the same weights, scattered back and summed). */
    INDArray sampleBilinearBackward(INDArray gradOut, BilinearSampler sampler);
}
