package io.pixelgrad.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Output of a max-pool and its switches: for every output, the row-major index of the winning input within its
 * (H x W) plane (INT64, same shape as the output).
 */
public record MaxPoolResult(INDArray output, INDArray switches) {
}
