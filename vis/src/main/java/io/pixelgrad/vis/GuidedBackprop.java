package io.pixelgrad.vis;

import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.nn.Module;

/** Guided backprop (Springenberg et al. 2015): only positive gradients through units that were active. */
public final class GuidedBackprop extends RuleGradient {

    /** The method on this model. */
    public GuidedBackprop(Module model) {
        super(model, ReluRule.GUIDED);
    }

    @Override
    public String name() {
        return "guided";
    }
}
