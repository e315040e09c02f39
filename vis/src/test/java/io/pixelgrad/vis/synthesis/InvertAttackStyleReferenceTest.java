package io.pixelgrad.vis.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.autograd.optim.Sgd;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.pixelgrad.vis.synthesis.SynthesisReferenceTest.close;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Feature inversion, FGSM/PGD and Gram-matrix style synthesis against PyTorch (make_invert_attack_style_reference.py:
 * torchattacks' arithmetic, the PyTorch neural-style tutorial's Gram matrix, losses and clamping L-BFGS closure), in
 * float64 and float32. Errors are max|ours - torch| / max|torch| (SynthesisReferenceTest.close); bounds: 1e-12 for
 * single evaluations and 1e-9 for whole runs in float64, measured bounds written beside each float32 case; FGSM's
 * picture must be equal, element for element.
 */
class InvertAttackStyleReferenceTest {

    static final Path DIR = Path.of("src/test/resources/invert-attack-style-reference");
    static final Path VIS = Path.of("src/test/resources/vis-reference");
    /** The small networks' ImageNet normalization, without resizing (the pictures are used at their own size). */
    static final InputSpace SPACE = InputSpace.of(Normalization.TORCHVISION, 0);

    @AfterAll
    static void report() {
        SynthesisReferenceTest.report();
    }

    static JsonNode manifest(String c) throws IOException {
        return new ObjectMapper().readTree(Files.readString(DIR.resolve(c).resolve("manifest.json")));
    }

    static INDArray input(String c, String key, DataType type) throws IOException {
        return Npy.read(DIR.resolve(c).resolve(key + ".npy")).castTo(type);
    }

    static double[] expected(String c, String key, DataType type) throws IOException {
        return Passes.values(Npy.read(DIR.resolve(c).resolve(key + (type == DataType.DOUBLE ? "" : "_f32") + ".npy")));
    }

    static double[] negated(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) out[i] = -out[i];
        return out;
    }

    static Classifier model(String name, DataType type) throws Exception {
        return ModelLoader.load(name.replace("_", "/"), VIS.resolve(name).resolve("weights.pth"), type);
    }

    static INDArray modelInput(INDArray picture) {
        return Style.modelInput(SPACE, picture);
    }

    static Stream<Arguments> cases(String... names) {
        List<Arguments> a = new ArrayList<>();
        for (String c : names) for (DataType t : List.of(DataType.DOUBLE, DataType.FLOAT)) a.add(Arguments.of(c, t));
        return a.stream();
    }

    /** One evaluation of a loop's objective and its gradient at p, through the loop's own pass. */
    static double[] evaluate(RenderLoop loop, INDArray p, double[] value) {
        INDArray g = p.ulike();
        value[0] = loop.evaluateWhole(p, g, Draws.fixed(new int[0]));
        return Passes.values(g);
    }

    // ------------------------------------------------------------------------------------------ inversion

    static Stream<Arguments> inversionCases() {
        return cases("invert_alexnet", "invert_vgg");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("inversionCases")
    void inversionLossGradientAndRun(String c, DataType type) throws Exception {
        JsonNode m = manifest(c);
        Classifier net = model(m.get("model").asText(), type);
        String layer = m.get("layer").asText();
        INDArray photo = input(c, "photo", type), x0 = input(c, "x0", type);
        INDArray phi0 = Inversion.representation(net, modelInput(photo), layer);
        int side = (int) photo.size(2);
        double lr = m.get("lr").asDouble();
        RenderLoop loop = Inversion.of(net, SPACE, phi0, layer, 3, side, side, m.get("alpha_weight").asDouble(),
                m.get("tv_weight").asDouble(), 0).start(x0).steps(m.get("steps").asInt());
        double[] value = new double[1];
        double[] grad = evaluate(loop, x0, value);
        // float32: sums of 1e4 terms (x^6, squared feature differences); measured: loss 4.5e-7, gradient 9e-8,
        // trajectory 6e-7, final input 3.5e-6
        close(c + " loss", type, new double[]{-value[0]}, new double[]{m.get(type == DataType.DOUBLE ? "loss" : "loss_f32").asDouble()}, 1e-12, 2e-6);
        close(c + " gradient", type, negated(grad), expected(c, "grad", type), 1e-12, 1e-6);
        if (m.get("optimizer").asText().equals("sgd")) loop.optimizer(p -> Sgd.builder(p).lr(lr).momentum(0.9).build());
        RenderLoop.Result r = loop.run();
        close(c + " trajectory", type, r.trajectory(), expected(c, "trajectory", type), 1e-9, 5e-6);
        close(c + " final input", type, Passes.values(r.params()), expected(c, "x_final", type), 1e-9, 1e-4);
    }

    // ------------------------------------------------------------------------------------------ attacks

    static Stream<Arguments> fgsmCases() {
        return cases("fgsm_alexnet", "fgsm_targeted_vgg");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fgsmCases")
    void fgsmGivesTorchattacksPictureExactly(String c, DataType type) throws Exception {
        JsonNode m = manifest(c);
        Classifier net = model(m.get("model").asText(), type);
        INDArray x = input(c, "picture", type);
        int label = Attack.argmax(Attack.probabilities(net, SPACE, x));
        assertEquals(m.get("label").asInt(), label, "the prediction attacked");
        Integer target = m.get("target").isNull() ? null : m.get("target").asInt();
        Attack.Result r = Attack.run(net, SPACE, x, label, Attack.Settings.fgsm(m.get("eps").asDouble()).withTarget(target), 0,
                (k, n, v) -> { });
        assertArrayEquals(expected(c, "adversarial", type), Passes.values(r.adversarial()), 0.0, c + ": FGSM's picture");
    }

    static Stream<Arguments> pgdCases() {
        return cases("pgd_alexnet", "pgd_targeted_vgg");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pgdCases")
    void pgdFollowsTorchattacksFromAGivenStart(String c, DataType type) throws Exception {
        JsonNode m = manifest(c);
        Classifier net = model(m.get("model").asText(), type);
        INDArray x = input(c, "picture", type);
        Integer target = m.get("target").isNull() ? null : m.get("target").asInt();
        Attack.Settings s = new Attack.Settings(Attack.Method.PGD, m.get("eps").asDouble(), m.get("alpha").asDouble(),
                m.get("steps").asInt(), true, target);
        RenderLoop.Result r = Attack.loop(net, SPACE, x, m.get("label").asInt(), s, input(c, "start", type)).run();
        // float32: a gradient component within rounding of zero could take the other sign and move a pixel by alpha;
        // measured: none did, the pictures are equal and the cross-entropies within 1.7e-6
        close(c + " trajectory", type, r.trajectory(), expected(c, "trajectory", type), 1e-9, 1e-5);
        close(c + " picture", type, Passes.values(r.picture()), expected(c, "adversarial", type), 1e-9, 1e-6);
    }

    // ------------------------------------------------------------------------------------------ Gram matrices, style

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pixelgrad.vis.synthesis.SynthesisReferenceTest#types")
    void gramMatrixStyleAndContentTermsWithGradients(DataType type) throws Exception {
        INDArray target = input("gram", "target", type), content = input("gram", "content", type);
        JsonNode m = manifest("gram");
        try (Tape tape = new Tape()) {
            Tensor f = tape.input(input("gram", "features", type));
            // float32 measured: Gram 2.4e-7, style gradient 3e-7
        close("gram", type, Passes.values(Objective.gram(f).value()), expected("gram", "gram", type), 1e-12, 1e-6);
        }
        for (String term : List.of("style", "content")) {
            try (Tape tape = new Tape()) {
                Tensor f = tape.input(input("gram", "features", type));
                tape.capture("L", f);
                Objective o = term.equals("style") ? Objective.gramDistance("L", target) : Objective.contentDistance("L", content);
                Tensor v = o.value(new Activations(tape, null, null, null));
                close(term + " term", type, new double[]{v.value().getDouble(0)},
                        new double[]{m.get(type == DataType.DOUBLE ? term : term + "_f32").asDouble()}, 1e-12, 1e-6);
                Gradients g = tape.backward(v, ReluRule.STANDARD);
                close(term + " term gradient", type, Passes.values(g.of(f)), expected("gram", term + "_grad", type), 1e-12, 1e-6);
            }
        }
    }

    static Stream<Arguments> styleCases() {
        return cases("style_vgg", "texture_vgg");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("styleCases")
    void styleLossGradientAndOneLbfgsStep(String c, DataType type) throws Exception {
        JsonNode m = manifest(c);
        Classifier net = model("vgg16_16", type);
        List<String> layers = new ArrayList<>();
        m.get("style_layers").forEach(n -> layers.add(n.asText()));
        assertEquals(layers, Style.defaultStyleLayers(net).stream().map(l -> Style.resolve(net, l)).toList(), "relu1_1 .. relu5_1");
        Map<String, INDArray> grams = Style.grams(net, SPACE, input(c, "style", type), layers);
        String contentLayer = m.get("content_layer").isNull() ? null : m.get("content_layer").asText();
        INDArray content = null;
        if (contentLayer != null) {
            assertEquals(contentLayer, Style.resolve(net, Style.defaultContentLayer(net)), "relu4_2");
            content = Inversion.representation(net, modelInput(input(c, "content", type)), contentLayer);
        }
        Objective objective = Style.objective(grams, Map.of(), m.get("style_weight").asDouble(), contentLayer, content,
                m.get("content_weight").asDouble());
        INDArray start = input(c, "start", type);
        RenderLoop loop = Style.of(net, SPACE, objective, 3, (int) start.size(2), (int) start.size(3)).start(start).steps(1);
        double[] value = new double[1];
        double[] grad = evaluate(loop, start, value);
        // float32 measured: loss 6e-7, gradient 3e-6; after 20 L-BFGS iterations, which amplify rounding, 3e-3
        close(c + " loss", type, new double[]{-value[0]}, new double[]{m.get(type == DataType.DOUBLE ? "loss" : "loss_f32").asDouble()}, 1e-12, 2e-6);
        close(c + " gradient", type, negated(grad), expected(c, "grad", type), 1e-12, 1e-5);
        RenderLoop.Result r = loop.run();
        close(c + " first loss", type, negated(r.trajectory()), new double[]{expected(c, "evaluations", type)[0]}, 1e-12, 2e-6);
        close(c + " after one L-BFGS step", type, Passes.values(r.picture()), expected(c, "final", type), 1e-9, 1e-2);
    }
}
