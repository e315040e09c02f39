package io.pixelgrad.vis;

import com.fasterxml.jackson.databind.JsonNode;
import io.pixelgrad.autograd.nn.AdaptiveAvgPool2d;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Linear;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.nn.Sequential;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every attribution method against PyTorch (make_vis_reference.py) on small AlexNet-, VGG16- and smallvgg-shaped networks, in
 * float32 and in float64: relative error (max |difference| over max |reference|) at most 1e-5 in float32 (occlusion
 * 1e-4: a difference of two logits), and at most 1e-12 in float64. Measured worst errors are printed at the end; in
 * float64 they were at most about 1e-14 when this was written (see the build log for the current figures).
 */
class ReferenceTest {

    static final double TOL = 1e-5, OCCLUSION_TOL = 1e-4;
    /** The float64 bound: the 1e-12; measured errors are around 1e-15 to 1e-14. */
    static final double TOL64 = 1e-12;

    /** The three networks (AlexNet- and VGG16-shaped, and the grey 28x28 smallvgg/4) in both data types. */
    static Stream<Arguments> cases() {
        List<Arguments> all = new java.util.ArrayList<>();
        for (String name : List.of("alexnet_16", "vgg16_16", "smallvgg_4"))
            for (DataType t : List.of(DataType.FLOAT, DataType.DOUBLE)) all.add(Arguments.of(name, t));
        return all.stream();
    }

    @AfterAll
    static void report() {
        Reference.WORST.forEach((m, e) -> System.out.printf("vis reference worst relative error: %-28s %.2e%n", m, e));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void gradientsUnderTheThreeRulesAndTopClass(String name, DataType type) throws Exception {
        Reference r = Reference.load(name, type);
        int cls = r.manifest.get("class").asInt();
        Attribution s = new Saliency(r.model).attribute(r.x, Target.topClass());
        assertEquals(cls, s.targetClass(), "top class");
        assertEquals(type, s.dataType());
        assertEquals(type, s.rawArray().dataType(), "the .npy array takes the run's data type");
        Reference.assertClose(r.label("saliency"), s.raw(), r.expected("grad_standard"), r.tolerance());
        Reference.assertClose(r.label("guided"), new GuidedBackprop(r.model).attribute(r.x, Target.classIndex(cls)).raw(),
                r.expected("grad_guided"), r.tolerance());
        Reference.assertClose(r.label("deconv"), new Deconvnet(r.model).attribute(r.x, Target.classIndex(cls)).raw(),
                r.expected("grad_deconvnet"), r.tolerance());
        Reference.assertClose(r.label("input-x-gradient"), new InputTimesGradient(new Saliency(r.model)).attribute(r.x, Target.topClass()).raw(),
                r.expected("input_x_gradient"), r.tolerance());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void featureProjections(String name, DataType type) throws Exception {
        Reference r = Reference.load(name, type);
        for (JsonNode p : r.manifest.get("projections")) {
            String layer = p.get("layer").asText();
            Integer channel = p.get("channel").isNull() ? null : p.get("channel").asInt();
            Integer y = p.get("position").isNull() ? null : p.get("position").get(0).asInt();
            Integer x = p.get("position").isNull() ? null : p.get("position").get(1).asInt();
            RuleGradient method = switch (p.get("rule").asText()) {
                case "standard" -> new Saliency(r.model);
                case "guided" -> new GuidedBackprop(r.model);
                default -> new Deconvnet(r.model);
            };
            Attribution a = method.attribute(r.x, new Target.Feature(layer, channel, y, x));
            JsonNode chosen = p.get("chosen");
            assertEquals(chosen.get(0).asInt(), a.parameters().get("channel"), "chosen channel");
            assertEquals(chosen.get(1).asInt(), a.parameters().get("y"), "chosen row");
            assertEquals(chosen.get(2).asInt(), a.parameters().get("x"), "chosen column");
            Reference.assertClose(r.label("projection_" + p.get("rule").asText()), a.raw(), r.expected(p.get("file").asText()), r.tolerance());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void gradCamAtTheDefaultAndAnotherLayer(String name, DataType type) throws Exception {
        Reference r = Reference.load(name, type);
        assertEquals(r.manifest.get("default_layer").asText(), new GradCam(r.model).layer());
        for (JsonNode l : r.manifest.get("layers")) {
            Attribution a = new GradCam(r.model, l.asText()).attribute(r.x, Target.topClass());
            assertArrayEquals(new int[]{(int) r.x.size(2), (int) r.x.size(3)}, a.shape());
            Reference.assertClose(r.label("gradcam"), a.raw(), r.expected("gradcam_" + l.asText()), r.tolerance());
            assertArrayEquals(r.expectedShape("gradcam_" + l.asText() + "_lowres"), a.lowResArray().shape());
            Reference.assertClose(r.label("gradcam_lowres"), Passes.values(a.lowResArray()), r.expected("gradcam_" + l.asText() + "_lowres"), r.tolerance());
        }
        Reference.assertClose(r.label("guided-gradcam"), new GuidedGradCam(r.model).attribute(r.x, Target.topClass()).raw(),
                r.expected("guided_gradcam"), r.tolerance());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void occlusion(String name, DataType type) throws Exception {
        Reference r = Reference.load(name, type);
        JsonNode o = r.manifest.get("occlusion");
        long[] progress = new long[2];
        Occlusion method = new Occlusion(r.model, o.get("patch").asInt(), o.get("stride").asInt(), o.get("fill").asDouble(),
                5, (done, total) -> {
                    progress[0] = done;
                    progress[1] = total;
                });
        Attribution a = method.attribute(r.x, Target.topClass());
        long[] shape = r.expectedShape("occlusion");
        assertArrayEquals(new int[]{(int) shape[0], (int) shape[1]}, a.shape());
        assertEquals(shape[0] * shape[1], progress[0], "progress reaches the total");
        assertEquals(progress[1], progress[0]);
        Reference.assertClose(r.label("occlusion"), a.raw(), r.expected("occlusion"), type == DataType.DOUBLE ? TOL64 : OCCLUSION_TOL);
        assertThrows(IllegalArgumentException.class,
                () -> new Occlusion(r.model, (int) r.x.size(2) + 1, 1, 0f).attribute(r.x, Target.topClass()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void smoothGradWithTheReferenceNoise(String name, DataType type) throws Exception {
        Reference r = Reference.load(name, type);
        JsonNode sg = r.manifest.get("smoothgrad");
        SmoothGrad method = new SmoothGrad(new Saliency(r.model), sg.get("samples").asInt(), 0.15, 0, 3, ProgressListener.NONE);
        Attribution a = method.attribute(r.x, r.manifest.get("class").asInt(), r.shared("smoothgrad_noise"));
        assertEquals(sg.get("sigma").asDouble(), ((Number) a.parameters().get("sigma")).doubleValue(), 1e-6, "sigma");
        Reference.assertClose(r.label("smoothgrad"), a.raw(), r.expected("smoothgrad"), r.tolerance());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void integratedGradients(String name, DataType type) throws Exception {
        Reference r = Reference.load(name, type);
        IntegratedGradients ig = new IntegratedGradients(new Saliency(r.model), r.manifest.get("ig_steps").asInt(), null, 4, ProgressListener.NONE);
        Reference.assertClose(r.label("ig"), ig.attribute(r.x, Target.topClass()).raw(), r.expected("ig"), r.tolerance());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void filterSmoothness(String name, DataType type) throws Exception {
        Reference r = Reference.load(name, type);
        for (JsonNode l : r.manifest.get("filter_layers")) {
            double[] s = Filters.of(r.model, l.asText()).smoothness();
            // the score is computed in float64 from the weights (float16 values, exact in both types) on both sides
            Reference.assertClose(r.label("filters_smoothness"), s, r.expected("filters_smoothness_" + l.asText()), r.tolerance());
        }
        assertEquals("features.0", Filters.firstConv(r.model));
        assertEquals(r.x.size(1) == 3, Filters.of(r.model, "features.0").isRgb(), "colour filters for colour input only");
        assertThrows(IllegalArgumentException.class, () -> Filters.of(r.model, "features.1"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void gradientTrace(String name, DataType type) throws Exception {
        Reference r = Reference.load(name, type);
        GradientTrace.Result t = new GradientTrace(r.model).trace(r.x, Target.topClass());
        Map<String, GradientTrace.Row> rows = new HashMap<>();
        for (GradientTrace.Row row : t.rows()) rows.put(row.layer(), row);
        double[] norms = r.expected("trace_norms"), passing = r.expected("trace_passing");
        List<String> layers = new java.util.ArrayList<>();
        r.manifest.get("trace_layers").forEach(n -> layers.add(n.asText()));
        double[] ourNorms = new double[norms.length], ourPassing = new double[passing.length];
        for (int i = 0; i < layers.size(); i++) {
            GradientTrace.Row row = rows.get(layers.get(i));
            for (int k = 0; k < 3; k++) {
                ourNorms[i * 3 + k] = row.norm()[k];
                ourPassing[i * 3 + k] = Double.isNaN(passing[i * 3 + k]) ? 0 : Passes.round(new double[]{row.passing()[k]}, type)[0];
                if (Double.isNaN(passing[i * 3 + k])) passing[i * 3 + k] = 0;
            }
        }
        Reference.assertClose(r.label("trace_norms"), ourNorms, norms, r.tolerance());
        // fractions are counts over counts: exactly equal (once rounded to the fixture's type)
        Reference.assertClose(r.label("trace_passing"), ourPassing, passing, 0);
        // the fragile decisions per layer, as the reference counts them on PyTorch's float32 forward pass
        JsonNode counts = r.manifest.get("fragile_decisions_1e-5");
        assertEquals(counts.size(), t.fragile().layers().size(), "ReLU and max-pool layers");
        for (FragileDecisions.Layer l : t.fragile().layers())
            assertEquals(counts.get(l.layer()).asLong(), l.near(), l.layer() + ": fragile decisions");
        assertEquals("input", t.rows().get(t.rows().size() - 1).layer());
        assertTrue(t.table().contains("features.0"));
    }

    /** CAM on a small network that ends in global average pooling and one Linear layer, built from modules here. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void camOnAGapNetwork(DataType type) throws Exception {
        Reference r = new Reference(Reference.DIR.resolve("cam"), type);
        Classifier net = new Classifier("gapnet",
                new Sequential(new Conv2d(3, 8, 3, 1, 1), new ReLU(), new MaxPool2d(2, 2), new Conv2d(8, 16, 3, 1, 1), new ReLU()),
                new AdaptiveAvgPool2d(1, 1), new Sequential(new Linear(16, 10)));
        Map<String, INDArray> state = new HashMap<>();
        r.manifest.get("keys").forEach(k -> {
            try {
                state.put(k.asText(), Npy.read(r.dir.resolve(k.asText() + ".npy")));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        net.loadStateDict(state);
        net.toDataType(type);
        Attribution a = new Cam(net).attribute(r.x, Target.topClass());
        assertEquals(r.manifest.get("class").asInt(), a.targetClass());
        Reference.assertClose(r.label("cam"), a.raw(), r.expected("cam"), r.tolerance());
        Reference.assertClose(r.label("cam_lowres"), Passes.values(a.lowResArray()), r.expected("cam_lowres"), r.tolerance());
    }

    @Test
    void camRefusesNetworksWithoutGlobalPoolingAndOneLinear() throws Exception {
        Reference r = Reference.load("alexnet_16", DataType.FLOAT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Cam(r.model));
        assertTrue(e.getMessage().startsWith("CAM needs a network ending in global average pooling"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
