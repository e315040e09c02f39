package io.pixelgrad.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Gradients of a convolution: to its input, weights and bias (each null when not requested). */
public record ConvGradients(INDArray input, INDArray weight, INDArray bias) {
}
