/**
 * The teaching core: {@link io.pixelgrad.autograd.Tensor}, {@link io.pixelgrad.autograd.Tape} (records a forward pass,
 * runs backward passes over it and frees every array it made when closed), {@link io.pixelgrad.autograd.ReluRule} (the
 * swappable ReLU backward rule: standard, guided, deconvnet), {@link io.pixelgrad.autograd.Gradients} and
 * {@link io.pixelgrad.autograd.F}, every differentiable function as a static call (like torch.nn.functional).
 * Supported API.
 */
package io.pixelgrad.autograd;
