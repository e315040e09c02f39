/**
 * One small class per differentiable function, its forward and its backward side by side, with what backward needs
 * kept as fields (the max-pool switches, the ReLU's input). Reading order for a first visit: Relu, MaxPool2d, Conv2d.
 * Call them through {@link io.pixelgrad.autograd.F}.
 */
package io.pixelgrad.autograd.functions;
