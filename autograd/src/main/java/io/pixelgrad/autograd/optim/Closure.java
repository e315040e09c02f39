package io.pixelgrad.autograd.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * The objective an {@link Optimizer} minimizes, as torch.optim's closure: evaluated at the current parameter values,
 * it returns the loss and writes d(loss)/d(param) into {@code grads} (one array per parameter, same order, shapes and
 * data type; the optimizer owns them and zeroes them before each call).
 */
@FunctionalInterface
public interface Closure {

    /** Computes the loss at the current parameter values and writes d(loss)/d(param) into grads (same order/shapes). */
    double evaluate(List<INDArray> grads);
}
