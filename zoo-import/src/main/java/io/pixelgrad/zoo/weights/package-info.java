/**
 * Weight readers that never run code from a file: PyTorch .pth (zip and legacy, through an allow-list unpickler),
 * safetensors and ONNX initializers, each giving a {@link io.pixelgrad.zoo.weights.StateDict} of lazily read
 * tensors; damaged files are refused with a {@link io.pixelgrad.zoo.weights.WeightsFormatException}.
 */
package io.pixelgrad.zoo.weights;
