package io.pixelgrad.vis;

import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Grad-CAM (Selvaraju et al. 2017): at a conv layer with output A, weight each channel by the mean gradient of the
 * class score over its positions, alpha_k = mean_ij dS_c/dA_kij, and keep the positive part of sum_k alpha_k A_k.
 * The raw result is that map upsampled bilinearly to the input (before any scaling); the low-res map is kept too.
 */
public final class GradCam implements Explainer {

    private final Module model;
    private final String layer;

    /** Grad-CAM at the last conv's ReLU output (the usual choice). */
    public GradCam(Classifier model) {
        this(model, model.lastConvReluName());
    }

    /** Grad-CAM at any layer whose output is a feature map [1,C,h,w]. */
    public GradCam(Module model, String layer) {
        Passes.requireLayer(model, layer);
        this.model = model;
        this.layer = layer;
    }

    /** The layer the map is computed at. */
    public String layer() {
        return layer;
    }

    @Override
    public String name() {
        return "gradcam";
    }

    @Override
    public Attribution attribute(INDArray input, Target target) {
        INDArray x = Passes.asBatchOfOne(model, input);
        int h = (int) x.size(2), w = (int) x.size(3);
        Cam.Map2d cam;
        int cls;
        try (Tape tape = new Tape()) {
            tape.watch(layer);
            // the input must need a gradient, or nothing would be recorded for the backward pass
            Tensor logits = model.forward(tape.input(x));
            cls = Passes.resolveClass(target, logits.value());
            Tensor a = tape.output(layer);
            if (a.rank() != 4)
                throw new IllegalArgumentException("Grad-CAM needs a layer with a feature-map output [N,C,H,W]; " + layer
                        + " gives " + java.util.Arrays.toString(a.shape()));
            INDArray seed = tape.own(Passes.oneHot(logits.value(), cls));
            // Grad-CAM needs the gradient only as far down as the layer: the rest of the backward pass is skipped.
            Gradients g = tape.backwardTo(logits, seed, ReluRule.STANDARD, a);
            cam = map(Passes.values(a.value()), Passes.values(g.atModule(layer)), (int) a.size(1), (int) a.size(2), (int) a.size(3));
        }
        // the low-resolution map in the run's precision first, as the reference computes it, then the upsampling
        double[] low = Passes.round(cam.values(), x.dataType());
        double[] up = Maps.resizeBilinear(low, cam.h(), cam.w(), h, w);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("layer_resolution", new int[]{cam.h(), cam.w()});
        return new Attribution(name(), Attribution.Kind.PIXEL_MAP, x.dataType(), up, new int[]{h, w}, low,
                new int[]{cam.h(), cam.w()}, cls, layer, h, w, p);
    }

    /** relu(sum_k alpha_k A_k) with alpha_k the spatial mean of the gradient; A and G are [C,h,w] row-major. */
    static Cam.Map2d map(double[] a, double[] g, int channels, int h, int w) {
        int plane = h * w;
        double[] sum = new double[plane];
        for (int k = 0; k < channels; k++) {
            double alpha = 0;
            for (int i = 0; i < plane; i++) alpha += g[k * plane + i];
            alpha /= plane;
            for (int i = 0; i < plane; i++) sum[i] += alpha * a[k * plane + i];
        }
        double[] cam = new double[plane];
        for (int i = 0; i < plane; i++) cam[i] = Math.max(sum[i], 0.0);
        return new Cam.Map2d(cam, h, w);
    }
}
