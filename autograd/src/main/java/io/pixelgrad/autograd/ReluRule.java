package io.pixelgrad.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;
import io.pixelgrad.engine.Kernels;

/**
 * How a gradient g passes backwards through y = relu(x). The three rules are the three classic visualizations; a
 * backward pass is given one of them, so different passes over one model never interfere.
 */
public enum ReluRule {
    /** The true gradient, g * [x > 0] (saliency, Grad-CAM). */
    STANDARD {
        @Override
        public INDArray backward(INDArray x, INDArray g) {
            return KERNELS.reluBackward(x, g, false, true);
        }
    },
    /** Springenberg et al. 2015: only positive gradient through units that were active, max(g, 0) * [x > 0]. */
    GUIDED {
        @Override
        public INDArray backward(INDArray x, INDArray g) {
            return KERNELS.reluBackward(x, g, true, true);
        }
    },
    /** Zeiler and Fergus 2014: the ReLU applied to the gradient itself, max(g, 0); the forward mask is ignored. */
    DECONVNET {
        @Override
        public INDArray backward(INDArray x, INDArray g) {
            return KERNELS.reluBackward(x, g, true, false);
        }
    };

    private static final Kernels KERNELS = Kernels.get();

    /** The gradient reaching x, given the forward input x and the gradient g arriving at relu(x); a new array. */
    public abstract INDArray backward(INDArray x, INDArray g);
}
