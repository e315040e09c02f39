package io.pixelgrad.vis;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An explainer whose raw result is a gradient-like array with the input's shape: what SmoothGrad, integrated
 * gradients and input-times-gradient are built on.
 */
public interface GradientMethod extends Explainer {

    /**
     * The gradient of the class score with respect to each input of a batch [N,3,H,W] (every row explains the same
     * class; rows do not interact at inference), under this method's backward rule. A new detached array [N,C,H,W].
     */
    INDArray gradient(INDArray batch, int targetClass);

    /** The model explained (to resolve the top class). */
    io.pixelgrad.autograd.nn.Module model();
}
