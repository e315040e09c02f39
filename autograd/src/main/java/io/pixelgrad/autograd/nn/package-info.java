/**
 * Modules with PyTorch's names (Conv2d, ReLU, MaxPool2d, Linear, BatchNorm2d, Dropout, Sequential, ...) so that a
 * torchvision state_dict maps onto them key for key; parameters can be frozen (explanations) or trainable (training).
 * Supported API.
 */
package io.pixelgrad.autograd.nn;
