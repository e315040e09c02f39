package io.pixelgrad.vis;

import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.nn.Module;

/** Deconvnet (Zeiler and Fergus 2014): the gradient rectified at every ReLU, ignoring which units were active. */
public final class Deconvnet extends RuleGradient {

    /** The method on this model. */
    public Deconvnet(Module model) {
        super(model, ReluRule.DECONVNET);
    }

    @Override
    public String name() {
        return "deconv";
    }
}
