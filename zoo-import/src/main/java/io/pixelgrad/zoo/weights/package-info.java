/**
 * Weight readers that never run code from a file: PyTorch .pth (zip and legacy, through an allow-list unpickler),
 * safetensors and ONNX initializers, each giving a {@link io.pixelgrad.zoo.weights.StateDict} of lazily read
 * tensors; damaged files are refused with a {@link io.pixelgrad.zoo.weights.WeightsFormatException}.
 *
 * <p>Supported API: {@link io.pixelgrad.zoo.weights.WeightsReaders} (picks the reader from the file's content),
 * {@link io.pixelgrad.zoo.weights.StateDict}, {@link io.pixelgrad.zoo.weights.WeightTensor},
 * {@link io.pixelgrad.zoo.weights.WeightDType}, {@link io.pixelgrad.zoo.weights.SafetensorsFiles} (writing) and the
 * exception; most callers want {@link io.pixelgrad.zoo.load.ModelLoader} instead. The per-format readers
 * ({@link io.pixelgrad.zoo.weights.PyTorchReader}, {@link io.pixelgrad.zoo.weights.SafetensorsReader},
 * {@link io.pixelgrad.zoo.weights.OnnxReader}), {@link io.pixelgrad.zoo.weights.OnnxNameMapper} and
 * {@link io.pixelgrad.zoo.weights.StateDictMatcher} are public for the loader and the {@code inspect} command:
 * internal, no compatibility promise. The classes protoc generates for ONNX ({@code io.pixelgrad.zoo.weights.onnx})
 * are internal too and left out of the javadoc.
 */
package io.pixelgrad.zoo.weights;
