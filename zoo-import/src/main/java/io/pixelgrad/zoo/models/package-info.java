/**
 * The architectures, with torchvision's parameter names: AlexNet (torchvision and Caffe layouts), VGG11-19 with and
 * without batch norm, as {@link io.pixelgrad.zoo.models.Classifier}s. Supported API.
 */
package io.pixelgrad.zoo.models;
