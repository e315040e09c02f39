package io.pixelgrad.vis;

import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/** Guided Grad-CAM: the guided-backprop gradient at each pixel times the upsampled Grad-CAM map (sharp and class-specific). */
public final class GuidedGradCam implements Explainer {

    private final GradCam gradCam;
    private final GuidedBackprop guided;

    /** At the last conv's ReLU output. */
    public GuidedGradCam(Classifier model) {
        this(model, model.lastConvReluName());
    }

    /** At any conv layer. */
    public GuidedGradCam(Module model, String layer) {
        this.gradCam = new GradCam(model, layer);
        this.guided = new GuidedBackprop(model);
    }

    @Override
    public String name() {
        return "guided-gradcam";
    }

    @Override
    public Attribution attribute(INDArray input, Target target) {
        Attribution cam = gradCam.attribute(input, target);
        // the same class for both halves, even when the target was "top class"
        Attribution g = guided.attribute(input, Target.classIndex(cam.targetClass()));
        float[] raw = g.raw().clone();
        float[] m = cam.raw();
        int plane = m.length;
        for (int c = 0; c < raw.length / plane; c++) for (int i = 0; i < plane; i++) raw[c * plane + i] *= m[i];
        Map<String, Object> p = new LinkedHashMap<>(cam.parameters());
        return new Attribution(name(), Attribution.Kind.INPUT_GRADIENT, raw, g.shape(), null, null, cam.targetClass(),
                cam.layer(), cam.imageHeight(), cam.imageWidth(), p);
    }
}
