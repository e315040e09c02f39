package io.pixelgrad.explorer;

import io.pixelgrad.vis.Cam;
import io.pixelgrad.vis.Deconvnet;
import io.pixelgrad.vis.Explainer;
import io.pixelgrad.vis.GradCam;
import io.pixelgrad.vis.GradientMethod;
import io.pixelgrad.vis.GuidedBackprop;
import io.pixelgrad.vis.GuidedGradCam;
import io.pixelgrad.vis.InputTimesGradient;
import io.pixelgrad.vis.IntegratedGradients;
import io.pixelgrad.vis.Occlusion;
import io.pixelgrad.vis.ProgressListener;
import io.pixelgrad.vis.Saliency;
import io.pixelgrad.vis.SmoothGrad;
import io.pixelgrad.zoo.models.Classifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The attribution methods the page offers, each with its parameters (names, limits, defaults) and how to build the
 * vis {@link Explainer} for a request. Defaults follow {@code pixelgrad explain}; limits keep one request's work
 * bounded. Parameters arrive as text and are checked here, so every value a method sees is in range.
 */
final class Methods {

    /** One parameter: an integer, a number or a choice. */
    record Param(String name, String label, String type, double min, double max, Object initial, List<String> choices, String help) {
    }

    /** One method: its API name, title, one-line explanation, whether it is long work (a job with progress) and its parameters. */
    record Method(String name, String title, String about, boolean slow, List<Param> params) {
    }

    static final List<String> BASES = List.of("saliency", "guided", "deconv");

    private final Classifier model;
    private final int maxOcclusionPositions;
    private final int height, width;
    private final Map<String, Method> methods = new LinkedHashMap<>();

    /** The methods for this model and input size; mapLayers are the layers with feature-map outputs (Grad-CAM's choices). */
    Methods(Classifier model, int height, int width, List<String> mapLayers, int maxOcclusionPositions) {
        this.model = model;
        this.height = height;
        this.width = width;
        this.maxOcclusionPositions = maxOcclusionPositions;
        Param base = new Param("base", "gradient", "choice", 0, 0, "saliency", BASES, "which gradient to build on");
        String last = model.lastConvReluName() != null ? model.lastConvReluName() : mapLayers.get(mapLayers.size() - 1);
        Param layer = new Param("layer", "layer", "choice", 0, 0, last, mapLayers, "the feature maps the class map is made of");
        add(new Method("saliency", "Saliency", "the true gradient of the class score; the map is the largest |dS/dx| over channels", false, List.of()));
        add(new Method("guided", "Guided backprop", "only positive gradients pass back, and only through ReLUs that were active", false, List.of()));
        add(new Method("deconv", "Deconvnet", "the gradient is rectified at every ReLU, whatever the forward pass did", false, List.of()));
        add(new Method("input-x-gradient", "Input x gradient", "each pixel's value times its gradient", false, List.of(base)));
        add(new Method("gradcam", "Grad-CAM", "channels of a layer weighted by their mean gradient, negative part dropped", false, List.of(layer)));
        add(new Method("guided-gradcam", "Guided Grad-CAM", "guided backprop times the Grad-CAM map: sharp and class-specific", false, List.of(layer)));
        if (camApplies(model))
            add(new Method("cam", "CAM", "the last feature maps weighted by the classifier's weights (no gradient needed)", false, List.of()));
        int side = Math.min(height, width);
        int patch = Math.max(1, Math.min(side, (int) Math.round(32.0 * side / 224)));
        add(new Method("occlusion", "Occlusion", "how much the class score drops when a grey patch hides part of the image", true, List.of(
                new Param("patch", "patch (px)", "int", 1, side, patch, null, "side of the hidden square"),
                new Param("stride", "stride (px)", "int", 1, side, Math.max(1, patch / 2), null, "step between patch positions"))));
        add(new Method("smoothgrad", "SmoothGrad", "the gradient averaged over noisy copies of the image", true, List.of(
                new Param("samples", "samples", "int", 1, 100, 16, null, "noisy copies"),
                new Param("sigma", "noise", "number", 0, 1, 0.15, null, "noise std as a fraction of the input's range"),
                new Param("seed", "seed", "int", 0, 1_000_000_000, 0, null, "noise seed"), base)));
        add(new Method("ig", "Integrated gradients", "gradients along the straight path from a mean image, times the difference", true, List.of(
                new Param("steps", "steps", "int", 1, 128, 16, null, "points on the path"), base)));
    }

    private static boolean camApplies(Classifier model) {
        try {
            new Cam(model);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void add(Method m) {
        methods.put(m.name(), m);
    }

    /** Every method, in the page's order. */
    List<Method> all() {
        return new ArrayList<>(methods.values());
    }

    /** The method of this name; 400 naming the known ones otherwise. */
    Method get(String name) {
        Method m = name == null ? null : methods.get(name);
        if (m == null)
            throw new ApiException(400, "unknown method '" + ImageStore.clip(String.valueOf(name)) + "'; known: " + String.join(", ", methods.keySet()));
        return m;
    }

    /** The method's parameters from the request, checked and completed with defaults, in the method's order. */
    Map<String, Object> parse(Method m, Map<String, String> query) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param p : m.params()) {
            String given = query.get(p.name());
            if (given == null || given.isBlank()) {
                values.put(p.name(), p.initial());
                continue;
            }
            String v = given.strip();
            switch (p.type()) {
                case "choice" -> {
                    if (!p.choices().contains(v))
                        throw new ApiException(400, p.name() + " must be one of " + String.join(", ", p.choices()) + ", not '" + ImageStore.clip(v) + "'");
                    values.put(p.name(), v);
                }
                case "int" -> {
                    long n;
                    try {
                        n = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new ApiException(400, p.name() + " must be a whole number, not '" + ImageStore.clip(v) + "'");
                    }
                    if (n < p.min() || n > p.max())
                        throw new ApiException(400, p.name() + " must be between " + (long) p.min() + " and " + (long) p.max() + ", not " + n);
                    values.put(p.name(), (int) n);
                }
                default -> {
                    double d;
                    try {
                        d = Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        throw new ApiException(400, p.name() + " must be a number, not '" + ImageStore.clip(v) + "'");
                    }
                    if (!(d >= p.min() && d <= p.max()))
                        throw new ApiException(400, p.name() + " must be between " + p.min() + " and " + p.max() + ", not " + v);
                    values.put(p.name(), d);
                }
            }
        }
        if (m.name().equals("occlusion")) {
            int patch = (Integer) values.get("patch"), stride = (Integer) values.get("stride");
            long positions = (long) ((height - patch) / stride + 1) * ((width - patch) / stride + 1);
            if (positions > maxOcclusionPositions)
                throw new ApiException(400, "occlusion with patch " + patch + " and stride " + stride + " needs " + positions
                        + " forward passes; the explorer allows " + maxOcclusionPositions + ": take a larger stride");
        }
        return values;
    }

    /** The canonical text of parameter values, for cache keys ("patch=32;stride=16"). */
    static String key(Map<String, Object> values) {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(k).append('=').append(v instanceof Double d ? String.format(Locale.ROOT, "%.17g", d) : v).append(';'));
        return sb.toString();
    }

    /** The vis explainer for a request; long methods report progress (and are cancelled through it). */
    Explainer create(Method m, Map<String, Object> v, ProgressListener progress) {
        return switch (m.name()) {
            case "saliency" -> new Saliency(model);
            case "guided" -> new GuidedBackprop(model);
            case "deconv" -> new Deconvnet(model);
            case "input-x-gradient" -> new InputTimesGradient(base((String) v.get("base")));
            case "gradcam" -> new GradCam(model, (String) v.get("layer"));
            case "guided-gradcam" -> new GuidedGradCam(model, (String) v.get("layer"));
            case "cam" -> new Cam(model);
            // the command line's batch sizes: results do not depend on them, only memory and speed do
            case "occlusion" -> new Occlusion(model, (Integer) v.get("patch"), (Integer) v.get("stride"), 0, 8, progress);
            case "smoothgrad" -> new SmoothGrad(base((String) v.get("base")), (Integer) v.get("samples"), (Double) v.get("sigma"),
                    (Integer) v.get("seed"), 4, progress);
            case "ig" -> new IntegratedGradients(base((String) v.get("base")), (Integer) v.get("steps"), null, 4, progress);
            default -> throw new IllegalStateException("no explainer for " + m.name());
        };
    }

    private GradientMethod base(String name) {
        return switch (name) {
            case "guided" -> new GuidedBackprop(model);
            case "deconv" -> new Deconvnet(model);
            default -> new Saliency(model);
        };
    }
}
