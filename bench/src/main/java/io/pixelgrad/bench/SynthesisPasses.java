package io.pixelgrad.bench;

import io.pixelgrad.vis.synthesis.Attack;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.vis.synthesis.Inversion;
import io.pixelgrad.vis.synthesis.Objective;
import io.pixelgrad.vis.synthesis.Style;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The benchmark passes of feature inversion, attacks and Gram-matrix synthesis at 224x224, as
 * bench/python/torch_passes.py runs them in PyTorch. Targets (representations, Gram matrices) are computed once, outside
 * the timed step, on both sides:
 * <ul>
 *   <li>invert: 10 Adam steps inverting the last convolution's ReLU (relu5_3, features.29 of VGG16);</li>
 *   <li>fgsm: one FGSM attack (eps 8/255); pgd: torchattacks' PGD (eps 8/255, alpha 2/255, 10 steps, random start);</li>
 *   <li>fool: 10 Adam steps (lr 0.01) of log p(class 0) on a picture from noise, clamped to [0,1];</li>
 *   <li>texture, style: one L-BFGS step (20 evaluations) on relu1_1..relu5_1 (style: plus relu4_2 content), the picture
 *       clamped before each evaluation.</li>
 * </ul>
 */
final class SynthesisPasses {

    private SynthesisPasses() {
    }

    /** The timed step of a pass on a model. */
    static Consumer<Void> of(String pass, Classifier model) {
        InputSpace native_ = InputSpace.imagenet().withoutResizing();
        INDArray picture = Nd4j.rand(DataType.FLOAT, 1, 3, 224, 224);
        switch (pass) {
            case "invert": {
                final String target = model.lastConvReluName();
                INDArray phi0 = Inversion.representation(model, Style.modelInput(native_, picture), target);
                return v -> Inversion.of(model, native_, phi0, target, 3, 224, 224, Inversion.ALPHA_WEIGHT, Inversion.TV_WEIGHT, 0).steps(10).run();
            }
            case "fgsm":
                return v -> Attack.run(model, native_, picture, 0, Attack.Settings.fgsm(8 / 255.0), 0, (k, n, x) -> { });
            case "pgd":
                return v -> Attack.run(model, native_, picture, 0, Attack.Settings.pgd(), 0, (k, n, x) -> { });
            case "fool":
                return v -> Attack.fool(model, native_, 0, 3, 224).steps(10).run();
            default: {
                boolean content = pass.equals("style");
                Map<String, String> names = Style.layerNames(model);
                List<String> layers = Style.defaultStyleLayers(model).stream().map(names::get).toList();
                Map<String, INDArray> grams = Style.grams(model, native_, Nd4j.rand(DataType.FLOAT, 1, 3, 224, 224), layers);
                String contentModule = names.get(Style.defaultContentLayer(model));
                INDArray target = content ? Inversion.representation(model, Style.modelInput(native_, picture), contentModule) : null;
                Objective o = Style.objective(grams, Map.of(), Style.STYLE_WEIGHT, contentModule, target, Style.CONTENT_WEIGHT);
                return v -> Style.of(model, native_, o, 3, 224, 224).start(picture).steps(1).run();
            }
        }
    }
}
