/**
 * Labelled image data sets held in memory as 8-bit samples ({@link io.pixelgrad.zoo.data.Dataset}): MNIST and
 * Fashion-MNIST ({@link io.pixelgrad.zoo.data.Idx}), CIFAR-10 ({@link io.pixelgrad.zoo.data.Cifar10}) and image
 * folders ({@link io.pixelgrad.zoo.data.ImageFolder}), chosen by {@link io.pixelgrad.zoo.data.DatasetKind}; served as
 * seeded, optionally augmented batches ({@link io.pixelgrad.zoo.data.Batches}) with per-purpose random streams
 * ({@link io.pixelgrad.zoo.data.Seeds}). Supported API.
 */
package io.pixelgrad.zoo.data;
