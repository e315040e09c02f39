package io.pixelgrad.vis;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/** Input times gradient (Shrikumar et al. 2016): x * dS_c/dx, elementwise; the gradient from any gradient method. */
public final class InputTimesGradient implements Explainer {

    private final GradientMethod base;

    /** Input times the base method's gradient. */
    public InputTimesGradient(GradientMethod base) {
        this.base = base;
    }

    @Override
    public String name() {
        return "input-x-gradient";
    }

    @Override
    public Attribution attribute(INDArray input, Target target) {
        INDArray x = Passes.asBatchOfOne(base.model(), input);
        Attribution g = base.attribute(x, target);
        double[] image = Passes.values(x);
        double[] r = g.raw().clone();
        for (int i = 0; i < r.length; i++) r[i] *= image[i];
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("base", base.name());
        return RuleGradient.gradientResult(name(), r, x, g.targetClass(), g.layer(), p);
    }
}
