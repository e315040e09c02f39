package io.pixelgrad.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a gradient g passes backwards through y = relu(x). The three built-in rules are the three classic
 * visualizations; a backward pass is given one rule, so different passes over one model never interfere. Implement
 * this interface for a rule of your own (examples/custom-rule shows one).
 */
public interface ReluRule {

    /** The true gradient, g * [x > 0] (saliency, Grad-CAM). */
    ReluRule STANDARD = BuiltinReluRule.STANDARD;
    /** Springenberg et al. 2015: only positive gradient through units that were active, max(g, 0) * [x > 0]. */
    ReluRule GUIDED = BuiltinReluRule.GUIDED;
    /** Zeiler and Fergus 2014: the ReLU applied to the gradient itself, max(g, 0); the forward mask is ignored. */
    ReluRule DECONVNET = BuiltinReluRule.DECONVNET;

    /**
     * The gradient reaching x, given the forward input x and the gradient g arriving at relu(x): a new array of x's
     * shape (the caller owns it; x and g must not be changed).
     */
    INDArray backward(INDArray x, INDArray g);

    /** A short name for reports and JSON, e.g. "GUIDED". */
    String name();

    /** The three built-in rules in the order STANDARD, GUIDED, DECONVNET. */
    static ReluRule[] values() {
        return new ReluRule[]{STANDARD, GUIDED, DECONVNET};
    }
}
