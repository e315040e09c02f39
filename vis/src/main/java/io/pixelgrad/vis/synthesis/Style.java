package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.nn.BatchNorm2d;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.optim.Lbfgs;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Texture synthesis and style transfer (Gatys et al. 2015, 2016) as the PyTorch tutorial computes them, on
 * {@link RenderLoop} with picture parameters and L-BFGS. At each style layer l the Gram matrix G_l = F F^T / (C H W) of
 * the output F [1,C,H,W] is matched to the style picture's A_l; at the content layer the output itself to the content
 * picture's P:
 * <pre>
 *   loss = style_weight * sum_l w_l mean((G_l - A_l)^2) + content_weight * mean((F - P)^2)
 * </pre>
 * (texture: no content term). As in the tutorial the picture is clamped to [0,1] at the start of every evaluation and
 * after every step. Layers are named like Caffe's VGG ("relu4_2": the ReLU after the second convolution of the fourth
 * block, blocks ending at max-pools), found from the architecture, or by module ("features.20").
 */
public final class Style {

    /** The tutorial's style weight. */
    public static final double STYLE_WEIGHT = 1e6;
    /** The tutorial's content weight. */
    public static final double CONTENT_WEIGHT = 1;

    private Style() {
    }

    /**
     * Caffe-style names of the feature layers, in forward order: conv{b}_{i}, bn{b}_{i}, relu{b}_{i} for the i-th
     * convolution of block b, pool{b} for the max-pool that ends block b; mapped to module names ("features.20").
     */
    public static Map<String, String> layerNames(Classifier model) {
        Map<String, String> names = new LinkedHashMap<>();
        int block = 1, conv = 0;
        for (Map.Entry<String, Module> e : model.features().children().entrySet()) {
            String module = "features." + e.getKey();
            Module m = e.getValue();
            if (m instanceof Conv2d) names.put("conv" + block + "_" + (++conv), module);
            else if (m instanceof BatchNorm2d && conv > 0) names.put("bn" + block + "_" + conv, module);
            else if (m instanceof ReLU && conv > 0) names.put("relu" + block + "_" + conv, module);
            else if (m instanceof MaxPool2d) {
                names.put("pool" + block, module);
                block++;
                conv = 0;
            }
        }
        return names;
    }

    /** The module of a layer given by its Caffe-style name (relu4_2) or module name (features.20). */
    public static String resolve(Classifier model, String layer) {
        Map<String, String> names = layerNames(model);
        if (names.containsKey(layer)) return names.get(layer);
        if (model.modules().containsKey(layer) && !layer.isEmpty()) return layer;
        throw new IllegalArgumentException("no layer '" + layer + "' in " + model.architecture() + "; layers: "
                + String.join(", ", names.keySet()) + " (or module names such as " + names.values().iterator().next() + ")");
    }

    /** Gatys' style layers: relu{b}_1 of the first five blocks (relu1_1 .. relu5_1 in VGG), as Caffe-style names. */
    public static List<String> defaultStyleLayers(Classifier model) {
        List<String> out = new ArrayList<>();
        Map<String, String> names = layerNames(model);
        for (int b = 1; b <= 5; b++) if (names.containsKey("relu" + b + "_1")) out.add("relu" + b + "_1");
        return out;
    }

    /** Gatys' content layer relu4_2; in networks without it (AlexNet), the second ReLU of the deepest block that has one. */
    public static String defaultContentLayer(Classifier model) {
        Map<String, String> names = layerNames(model);
        if (names.containsKey("relu4_2")) return "relu4_2";
        String best = null;
        for (String n : names.keySet()) if (n.startsWith("relu") && n.endsWith("_2")) best = n;
        if (best != null) return best;
        List<String> style = defaultStyleLayers(model);
        if (style.isEmpty()) throw new IllegalArgumentException(model.architecture() + " has no ReLU after a convolution");
        return style.get(style.size() - 1);
    }

    /** The Gram matrices G = F F^T / (C H W) [C,C] of one picture [1,C,H,W] in [0,1] at the given modules (new arrays). */
    public static Map<String, INDArray> grams(Module model, InputSpace space, INDArray picture, List<String> modules) {
        INDArray x = modelInput(space, picture);
        Map<String, INDArray> features = Inversion.representations(model, x, modules);
        io.pixelgrad.engine.Arrays.release(x);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : features.entrySet()) {
            try (Tape tape = new Tape()) {
                out.put(e.getKey(), Objective.gram(tape.constant(e.getValue())).value().dup('c'));
            }
            io.pixelgrad.engine.Arrays.release(e.getValue());
        }
        return out;
    }

    /** The model input of a picture in [0,1] (a new array). */
    public static INDArray modelInput(InputSpace space, INDArray picture) {
        try (Tape tape = new Tape()) {
            return space.toModelInput(tape.constant(picture)).value().dup('c');
        }
    }

    /**
     * The objective -(style_weight * sum_l w_l gram(l) + content_weight * content(c)) for target Gram matrices by module
     * with their weights w_l, and a content target (null for a texture).
     */
    public static Objective objective(Map<String, INDArray> grams, Map<String, Double> layerWeights, double styleWeight,
                                      String contentModule, INDArray content, double contentWeight) {
        List<Objective> parts = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : grams.entrySet()) {
            double w = layerWeights.getOrDefault(e.getKey(), 1.0) * styleWeight;
            parts.add(Objective.gramDistance(e.getKey(), e.getValue()).times(w));
        }
        if (content != null) parts.add(Objective.contentDistance(contentModule, content).times(contentWeight));
        return Objective.sum(parts).negate();
    }

    /**
     * The loop: picture parameters [1,C,H,W] of the given size, L-BFGS (lr 1, max_iter 20, history 100, no line search:
     * torch.optim.LBFGS's defaults) and the tutorial's clamping to [0,1] before every evaluation and after every step.
     * Start from the content picture or noise with {@link RenderLoop#start}, or let the seed draw U(0,1) noise.
     */
    public static RenderLoop of(Module model, InputSpace space, Objective objective, int channels, int height, int width) {
        ImageParam param = ImageParam.pictureSpace(1, channels, height, width);
        return RenderLoop.of(model, space, param, objective)
                .optimizer(p -> Lbfgs.builder(p).build())
                .beforeEvaluation(ImageParam::clamp01)
                .between((k, p, g) -> ImageParam.clamp01(p));
    }
}
