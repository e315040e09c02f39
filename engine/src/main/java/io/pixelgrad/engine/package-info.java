/**
 * Numeric kernels on ND4J arrays, pure functions without a graph: {@link io.pixelgrad.engine.Kernels} with a CPU-tuned
 * and a portable (ND4J ops only, what a CUDA backend runs) implementation, chosen from the backend or the system property
 * {@code pixelgrad.kernels}; array helpers with deterministic freeing; NumPy's .npy format. Only this package calls
 * ND4J's custom ops.
 */
package io.pixelgrad.engine;
