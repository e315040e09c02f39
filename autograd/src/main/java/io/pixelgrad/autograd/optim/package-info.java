/**
 * Optimizers as torch.optim 1.13 defines them (SGD with momentum, Adam, L-BFGS with an optional strong-Wolfe line
 * search) and learning-rate schedules; they update parameter arrays in place from a
 * {@link io.pixelgrad.autograd.optim.Closure}. Shared by training and input optimization. Supported API.
 */
package io.pixelgrad.autograd.optim;
