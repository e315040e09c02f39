/**
 * Numeric kernels on ND4J arrays, pure functions without a graph: {@link io.pixelgrad.engine.Kernels} with a CPU-tuned
 * and a portable (ND4J ops only, what a CUDA backend runs) implementation, chosen from the backend or the system property
 * {@code pixelgrad.kernels}; array helpers with deterministic freeing; NumPy's .npy format. Only this package calls
 * ND4J's custom ops.
 *
 * <p>Supported API: {@link io.pixelgrad.engine.Arrays} (freeing and view-free copies) and
 * {@link io.pixelgrad.engine.Npy}. The kernels ({@link io.pixelgrad.engine.Kernels}, its CPU and portable
 * implementations, the convolution and pooling specs, {@link io.pixelgrad.engine.Layout},
 * {@link io.pixelgrad.engine.Parallel}, {@link io.pixelgrad.engine.BilinearSampler}) are internal: no compatibility
 * promise; reach them through autograd's {@code F}.
 */
package io.pixelgrad.engine;
