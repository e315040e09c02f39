package io.pixelgrad.vis;

import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.nn.Module;

/** Vanilla gradient (Simonyan et al. 2013): the true gradient of the class score with respect to the pixels. */
public final class Saliency extends RuleGradient {

    /** The method on this model. */
    public Saliency(Module model) {
        super(model, ReluRule.STANDARD);
    }

    @Override
    public String name() {
        return "saliency";
    }
}
