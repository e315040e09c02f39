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
import io.pixelgrad.vis.ProgressListener;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The synthesis package against PyTorch (make_synthesis_reference.py), in float64 and float32: parametrizations, each
 * transform with fixed draws, the input space, every objective, whole optimization runs, DeepDream and the Laplacian
 * normalization. Errors are max|ours - torch| / max|torch|; bounds: 1e-12 for single pieces in float64, 1e-9 for whole
 * runs in float64 (the bound), and measured float32 bounds written beside each case. The worst errors reached
 * are printed at the end.
 */
class SynthesisReferenceTest {

    static final Path DIR = Path.of("src/test/resources/synthesis-reference");
    static final Path VIS = Path.of("src/test/resources/vis-reference");
    static final Map<String, Double> WORST = new TreeMap<>();

    @AfterAll
    static void report() {
        WORST.forEach((k, v) -> System.out.printf("synthesis reference worst relative error: %-34s %.2e%n", k, v));
    }

    static Stream<Arguments> types() {
        return Stream.of(Arguments.of(DataType.DOUBLE), Arguments.of(DataType.FLOAT));
    }

    static JsonNode manifest(String c) throws IOException {
        return new ObjectMapper().readTree(Files.readString(DIR.resolve(c).resolve("manifest.json")));
    }

    /** An input array of a case (stored in float64, exactly float32 values) in the given type. */
    static INDArray input(String c, String key, DataType type) throws IOException {
        return Npy.read(DIR.resolve(c).resolve(key + ".npy")).castTo(type);
    }

    /** An expected output in the run's type: key.npy (float64) or key_f32.npy. */
    static double[] expected(String c, String key, DataType type) throws IOException {
        return Passes.values(Npy.read(DIR.resolve(c).resolve(key + (type == DataType.DOUBLE ? "" : "_f32") + ".npy")));
    }

    static long[] expectedShape(String c, String key) throws IOException {
        return Npy.read(DIR.resolve(c).resolve(key + ".npy")).shape();
    }

    static double close(String what, DataType type, double[] actual, double[] expected, double tol64, double tol32) {
        assertArrayEquals(new int[]{expected.length}, new int[]{actual.length}, what + ": length");
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertTrue(scale > 0, what + ": the reference is all zeros");
        double rel = diff / scale;
        String key = what + (type == DataType.DOUBLE ? " f64" : " f32");
        synchronized (WORST) {
            WORST.merge(key, rel, Math::max);
        }
        double tol = type == DataType.DOUBLE ? tol64 : tol32;
        assertTrue(rel <= tol, key + ": relative error " + rel + " > " + tol);
        return rel;
    }

    static double[] seeded(Tape tape, Tensor out, INDArray r, Tensor wrt) {
        Gradients g = tape.backward(out, r, ReluRule.STANDARD);
        return Passes.values(g.of(wrt));
    }

    // ------------------------------------------------------------------------------------------ parametrizations

    static Stream<Arguments> paramCases() {
        List<Arguments> a = new ArrayList<>();
        for (String c : List.of("param_fft_8x8", "param_fft_6x10_decorrelated", "param_fft_7x12_grey", "param_pixel_decorrelated"))
            for (DataType t : List.of(DataType.DOUBLE, DataType.FLOAT)) a.add(Arguments.of(c, t));
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("paramCases")
    void parametrizationAndItsGradient(String c, DataType type) throws Exception {
        JsonNode m = manifest(c);
        int n = m.get("batch").asInt(), ch = m.get("channels").asInt(), h = m.get("height").asInt(), w = m.get("width").asInt();
        boolean dec = m.get("decorrelate").asBoolean();
        try (ImageParam param = m.get("kind").asText().equals("fft") ? ImageParam.fft(n, ch, h, w, dec) : ImageParam.pixel(n, ch, h, w, dec);
             Tape tape = new Tape()) {
            INDArray p = input(c, "p", type);
            param.checkShape(p);
            Tensor pt = tape.input(p);
            Tensor picture = param.picture(pt);
            // float32: the sigmoid of sums of ~100 terms, measured about 1e-7
            close("picture " + m.get("kind").asText(), type, Passes.values(picture.value()), expected(c, "picture", type), 1e-12, 1e-6);
            close("picture grad " + m.get("kind").asText(), type, seeded(tape, picture, input(c, "r", type), pt),
                    expected(c, "grad", type), 1e-12, 1e-5);
        }
    }

    @Test
    void fftNeedsAnEvenWidth() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ImageParam.fft(1, 3, 8, 9, true));
        assertTrue(e.getMessage().contains("even width"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ transforms

    static Stream<Arguments> transformCases() {
        List<Arguments> a = new ArrayList<>();
        for (String c : List.of("transform_pad", "transform_jitter", "transform_scale_down", "transform_scale_up", "transform_rotate",
                "transform_rotate_positive", "transform_standard"))
            for (DataType t : List.of(DataType.DOUBLE, DataType.FLOAT)) a.add(Arguments.of(c, t));
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transformCases")
    void transformWithFixedDrawsAndItsGradient(String c, DataType type) throws Exception {
        JsonNode m = manifest(c);
        int[] draws = new int[m.get("draws").size()];
        for (int i = 0; i < draws.length; i++) draws[i] = m.get("draws").get(i).asInt();
        Transforms t = Transforms.parse(m.get("spec").asText());
        try (Tape tape = new Tape()) {
            Tensor x = tape.input(input(c, "x", type));
            Tensor out = t.apply(x, 0.5, Draws.fixed(draws));
            assertArrayEquals(expectedShape(c, "out"), out.shape(), c + ": shape");
            // float32: the sampling weights are computed in float64 here, in float32 by PyTorch (measured 2e-6)
            close(c, type, Passes.values(out.value()), expected(c, "out", type), 1e-12, 1e-5);
            close(c + " grad", type, seeded(tape, out, input(c, "r", type), x), expected(c, "grad", type), 1e-12, 1e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void inputSpaceNormalizesAndUpsamples(DataType type) throws Exception {
        for (String c : List.of("space_upsample", "space_plain")) {
            int side = manifest(c).get("spec").get("min_side").asInt();
            InputSpace space = InputSpace.of(Normalization.TORCHVISION, side);
            try (Tape tape = new Tape()) {
                Tensor x = tape.input(input(c, "x", type));
                Tensor out = space.toModelInput(x);
                assertArrayEquals(expectedShape(c, "out"), out.shape(), c + ": shape");
                close(c, type, Passes.values(out.value()), expected(c, "out", type), 1e-12, 1e-5);
                close(c + " grad", type, seeded(tape, out, input(c, "r", type), x), expected(c, "grad", type), 1e-12, 1e-5);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ objectives

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void everyObjectiveAndItsGradients(DataType type) throws Exception {
        JsonNode all = manifest("objectives").get("objectives");
        double[] v = Passes.values(input("objectives", "v", DataType.DOUBLE));
        ObjectiveParser.Context ctx = new ObjectiveParser.Context() {
            @Override
            public int classIndex(String name) {
                throw new IllegalArgumentException("no names");
            }

            @Override
            public double[] direction(String file) {
                return v;
            }
        };
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            Objective o = name.equals("channel_batch") ? Objective.channel("a", 1, 2) : ObjectiveParser.parse(e.getValue().get("text").asText(), ctx);
            try (Tape tape = new Tape()) {
                Map<String, Tensor> in = new TreeMap<>();
                for (String k : List.of("a", "f", "logits", "picture", "input")) in.put(k, tape.input(input("objectives", k, type)));
                tape.capture("a", in.get("a"));
                tape.capture("f", in.get("f"));
                Tensor value = o.value(new Activations(tape, in.get("picture"), in.get("input"), in.get("logits")));
                double expected = e.getValue().get(type == DataType.DOUBLE ? "value" : "value_f32").asDouble();
                close("objective " + name, type, new double[]{value.value().getDouble(0)}, new double[]{expected}, 1e-12, 1e-5);
                Gradients g = tape.backward(value, ReluRule.STANDARD);
                for (JsonNode k : e.getValue().get("grads"))
                    close("objective " + name + " d/d" + k.asText(), type, Passes.values(g.of(in.get(k.asText()))),
                            expected("objectives", name + "_grad_" + k.asText(), type), 1e-12, 1e-5);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ whole runs

    static Stream<Arguments> runCases() {
        List<Arguments> a = new ArrayList<>();
        for (String c : List.of("run_fft_alexnet", "run_grid_vgg", "run_classmodel_alexnet"))
            for (DataType t : List.of(DataType.DOUBLE, DataType.FLOAT)) a.add(Arguments.of(c, t));
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runCases")
    void wholeRunsFollowPyTorchStepForStep(String c, DataType type) throws Exception {
        JsonNode m = manifest(c);
        Classifier model = ModelLoader.load(m.get("model").asText().replace("_", "/"), VIS.resolve(m.get("model").asText()).resolve("weights.pth"), type);
        int n = m.get("batch").asInt(), side = m.get("side").asInt();
        boolean dec = m.get("decorrelate").asBoolean();
        InputSpace space = InputSpace.of(Normalization.TORCHVISION, m.get("min_side").asInt());
        String kind = m.get("kind").asText();
        ImageParam param = switch (kind) {
            case "fft" -> ImageParam.fft(n, 3, side, side, dec);
            case "pixel" -> ImageParam.pixel(n, 3, side, side, dec);
            default -> ImageParam.input(n, 3, side, side, space);
        };
        Objective objective = switch (c) {
            case "run_grid_vgg" -> FeatureVisualization.grid("features.15", 3).minus(Objective.diversity("features.15").times(10));
            case "run_classmodel_alexnet" -> ClassModel.objective(4, 5e-3);
            default -> ObjectiveParser.parse(m.get("objective").asText());
        };
        double lr = m.get("lr").asDouble();
        RenderLoop.Result r = RenderLoop.of(model, space, param, objective)
                .start(input(c, "p0", type))
                .steps(m.get("steps").asInt())
                .optimizer(m.get("optimizer").asText().equals("adam") ? p -> Adam.builder(p).lr(lr).build() : p -> Sgd.builder(p).lr(lr).build())
                .run();
        param.close();
        // float64: the 1e-9 for whole runs (measured at most 3e-11). float32 runs drift apart within a few Adam
        // steps: the trajectory stays within 1.1e-3 (measured), but a parameter whose gradient is zero up to rounding
        // gets a full step of either sign from Adam's normalization, so final float32 parameters are not comparable.
        close(c + " trajectory", type, r.trajectory(), expected(c, "trajectory", type), 1e-9, 5e-3);
        if (type == DataType.DOUBLE)
            close(c + " final parameters", type, Passes.values(r.params()), expected(c, "p_final", type), 1e-9, 0);
    }

    // ------------------------------------------------------------------------------------------ DeepDream

    static Stream<Arguments> dreamCases() {
        List<Arguments> a = new ArrayList<>();
        for (String c : List.of("dream_mean", "dream_laplacian"))
            for (DataType t : List.of(DataType.DOUBLE, DataType.FLOAT)) a.add(Arguments.of(c, t));
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dreamCases")
    void deepDreamFollowsPyTorch(String c, DataType type) throws Exception {
        JsonNode m = manifest(c);
        Classifier model = ModelLoader.load("vgg16/16", VIS.resolve("vgg16_16").resolve("weights.pth"), type);
        InputSpace space = InputSpace.of(Normalization.TORCHVISION, 0);
        INDArray photo;
        try (Tape tape = new Tape()) {
            photo = space.normalize(tape.constant(input(c, "picture", type))).value().dup('c');
        }
        DeepDream.Settings s = new DeepDream.Settings(m.get("octaves").asInt(), m.get("octave_scale").asDouble(), m.get("steps").asInt(),
                m.get("step").asDouble(), 0, m.get("normalization").asText().equals("mean") ? DreamStep.Normalization.MEAN
                : DreamStep.Normalization.LAPLACIAN, 0, 0);
        DeepDream.Result r = DeepDream.run(model, space, photo, m.get("layer").asText(), s, ProgressListener.NONE);
        close(c + " trajectory", type, r.trajectory(), expected(c, "trajectory", type), 1e-9, 1e-3);
        close(c + " picture", type, Passes.values(r.picture()), expected(c, "dream", type), 1e-9, 1e-3);
    }

    @Test
    void yosinskiRegularizersMatchScipyAndNumpy() throws Exception {
        JsonNode m = manifest("yosinski");
        Yosinski y = new Yosinski(m.get("decay").asDouble(), m.get("blur_radius").asDouble(), m.get("blur_every").asInt(),
                m.get("norm_percentile").asDouble(), m.get("contribution_percentile").asDouble(), false, 1, 0, 100);
        INDArray x = input("yosinski", "x", DataType.DOUBLE);
        y.apply(1, x, input("yosinski", "g", DataType.DOUBLE));
        close("yosinski", DataType.DOUBLE, Passes.values(x), expected("yosinski", "out", DataType.DOUBLE), 1e-12, 0);
        org.junit.jupiter.api.Assertions.assertEquals(4, Yosinski.preset("yosinski3").blurEvery());
    }

    @Test
    void laplacianNormalizationMatchesTheNotebook() throws Exception {
        double[] g = Passes.values(input("laplacian", "g", DataType.DOUBLE));
        double[] out = LaplacianPyramid.normalize(g, 3, 13, 10, 4);
        close("laplacian", DataType.DOUBLE, out, expected("laplacian", "normalized", DataType.DOUBLE), 1e-12, 1e-12);
    }
}
