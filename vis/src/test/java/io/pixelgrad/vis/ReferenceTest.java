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
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every attribution method against PyTorch (make_vis_reference.py) on small AlexNet- and VGG16-shaped networks:
 * relative error (max |difference| over max |reference|) at most 1e-5, occlusion 1e-4. Measured worst errors are
 * printed at the end.
 */
class ReferenceTest {

    static final double TOL = 1e-5, OCCLUSION_TOL = 1e-4;

    @AfterAll
    static void report() {
        Reference.WORST.forEach((m, e) -> System.out.printf("vis reference worst relative error: %-28s %.2e%n", m, e));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alexnet_16", "vgg16_16", "smallvgg_4"})
    void gradientsUnderTheThreeRulesAndTopClass(String name) throws Exception {
        Reference r = Reference.load(name);
        int cls = r.manifest.get("class").asInt();
        Attribution s = new Saliency(r.model).attribute(r.x, Target.topClass());
        assertEquals(cls, s.targetClass(), "top class");
        Reference.assertClose("saliency", s.raw(), r.expected("grad_standard"), TOL);
        Reference.assertClose("guided", new GuidedBackprop(r.model).attribute(r.x, Target.classIndex(cls)).raw(),
                r.expected("grad_guided"), TOL);
        Reference.assertClose("deconv", new Deconvnet(r.model).attribute(r.x, Target.classIndex(cls)).raw(),
                r.expected("grad_deconvnet"), TOL);
        Reference.assertClose("input-x-gradient", new InputTimesGradient(new Saliency(r.model)).attribute(r.x, Target.topClass()).raw(),
                r.expected("input_x_gradient"), TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alexnet_16", "vgg16_16", "smallvgg_4"})
    void featureProjections(String name) throws Exception {
        Reference r = Reference.load(name);
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
            Reference.assertClose("projection_" + p.get("rule").asText(), a.raw(), r.expected(p.get("file").asText()), TOL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"alexnet_16", "vgg16_16", "smallvgg_4"})
    void gradCamAtTheDefaultAndAnotherLayer(String name) throws Exception {
        Reference r = Reference.load(name);
        assertEquals(r.manifest.get("default_layer").asText(), new GradCam(r.model).layer());
        for (JsonNode l : r.manifest.get("layers")) {
            Attribution a = new GradCam(r.model, l.asText()).attribute(r.x, Target.topClass());
            assertArrayEquals(new int[]{(int) r.x.size(2), (int) r.x.size(3)}, a.shape());
            Reference.assertClose("gradcam", a.raw(), r.expected("gradcam_" + l.asText()), TOL);
            assertArrayEquals(r.expectedShape("gradcam_" + l.asText() + "_lowres"), a.lowResArray().shape());
            Reference.assertClose("gradcam_lowres", Passes.floats(a.lowResArray()), r.expected("gradcam_" + l.asText() + "_lowres"), TOL);
        }
        Reference.assertClose("guided-gradcam", new GuidedGradCam(r.model).attribute(r.x, Target.topClass()).raw(),
                r.expected("guided_gradcam"), TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alexnet_16", "vgg16_16", "smallvgg_4"})
    void occlusion(String name) throws Exception {
        Reference r = Reference.load(name);
        JsonNode o = r.manifest.get("occlusion");
        long[] progress = new long[2];
        Occlusion method = new Occlusion(r.model, o.get("patch").asInt(), o.get("stride").asInt(), (float) o.get("fill").asDouble(),
                5, (done, total) -> {
                    progress[0] = done;
                    progress[1] = total;
                });
        Attribution a = method.attribute(r.x, Target.topClass());
        long[] shape = r.expectedShape("occlusion");
        assertArrayEquals(new int[]{(int) shape[0], (int) shape[1]}, a.shape());
        assertEquals(shape[0] * shape[1], progress[0], "progress reaches the total");
        assertEquals(progress[1], progress[0]);
        Reference.assertClose("occlusion", a.raw(), r.expected("occlusion"), OCCLUSION_TOL);
        assertThrows(IllegalArgumentException.class,
                () -> new Occlusion(r.model, (int) r.x.size(2) + 1, 1, 0f).attribute(r.x, Target.topClass()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alexnet_16", "vgg16_16", "smallvgg_4"})
    void smoothGradWithTheReferenceNoise(String name) throws Exception {
        Reference r = Reference.load(name);
        JsonNode sg = r.manifest.get("smoothgrad");
        SmoothGrad method = new SmoothGrad(new Saliency(r.model), sg.get("samples").asInt(), 0.15, 0, 3, ProgressListener.NONE);
        Attribution a = method.attribute(r.x, r.manifest.get("class").asInt(), r.expected("smoothgrad_noise"));
        assertEquals(sg.get("sigma").asDouble(), ((Number) a.parameters().get("sigma")).doubleValue(), 1e-6, "sigma");
        Reference.assertClose("smoothgrad", a.raw(), r.expected("smoothgrad"), TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alexnet_16", "vgg16_16", "smallvgg_4"})
    void integratedGradients(String name) throws Exception {
        Reference r = Reference.load(name);
        IntegratedGradients ig = new IntegratedGradients(new Saliency(r.model), r.manifest.get("ig_steps").asInt(), null, 4, ProgressListener.NONE);
        Reference.assertClose("ig", ig.attribute(r.x, Target.topClass()).raw(), r.expected("ig"), TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alexnet_16", "vgg16_16", "smallvgg_4"})
    void filterSmoothness(String name) throws Exception {
        Reference r = Reference.load(name);
        for (JsonNode l : r.manifest.get("filter_layers")) {
            double[] s = Filters.of(r.model, l.asText()).smoothness();
            float[] f = new float[s.length];
            for (int i = 0; i < s.length; i++) f[i] = (float) s[i];
            Reference.assertClose("filters_smoothness", f, r.expected("filters_smoothness_" + l.asText()), TOL);
        }
        assertEquals("features.0", Filters.firstConv(r.model));
        assertEquals(r.x.size(1) == 3, Filters.of(r.model, "features.0").isRgb(), "colour filters for colour input only");
        assertThrows(IllegalArgumentException.class, () -> Filters.of(r.model, "features.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alexnet_16", "vgg16_16", "smallvgg_4"})
    void gradientTrace(String name) throws Exception {
        Reference r = Reference.load(name);
        GradientTrace.Result t = new GradientTrace(r.model).trace(r.x, Target.topClass());
        Map<String, GradientTrace.Row> rows = new HashMap<>();
        for (GradientTrace.Row row : t.rows()) rows.put(row.layer(), row);
        float[] norms = r.expected("trace_norms"), passing = r.expected("trace_passing");
        List<String> layers = new java.util.ArrayList<>();
        r.manifest.get("trace_layers").forEach(n -> layers.add(n.asText()));
        float[] ourNorms = new float[norms.length], ourPassing = new float[passing.length];
        for (int i = 0; i < layers.size(); i++) {
            GradientTrace.Row row = rows.get(layers.get(i));
            for (int k = 0; k < 3; k++) {
                ourNorms[i * 3 + k] = (float) row.norm()[k];
                ourPassing[i * 3 + k] = Float.isNaN(passing[i * 3 + k]) ? 0 : (float) row.passing()[k];
                if (Float.isNaN(passing[i * 3 + k])) passing[i * 3 + k] = 0;
            }
        }
        Reference.assertClose("trace_norms", ourNorms, norms, TOL);
        // fractions are counts over counts: exactly equal
        Reference.assertClose("trace_passing", ourPassing, passing, 0);
        assertEquals("input", t.rows().get(t.rows().size() - 1).layer());
        assertTrue(t.table().contains("features.0"));
    }

    /** CAM on a small network that ends in global average pooling and one Linear layer, built from modules here. */
    @Test
    void camOnAGapNetwork() throws Exception {
        Reference r = Reference.load("cam");
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
        Attribution a = new Cam(net).attribute(r.x, Target.topClass());
        assertEquals(r.manifest.get("class").asInt(), a.targetClass());
        Reference.assertClose("cam", a.raw(), r.expected("cam"), TOL);
        Reference.assertClose("cam_lowres", Passes.floats(a.lowResArray()), r.expected("cam_lowres"), TOL);
    }

    @Test
    void camRefusesNetworksWithoutGlobalPoolingAndOneLinear() throws Exception {
        Reference r = Reference.load("alexnet_16");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Cam(r.model));
        assertTrue(e.getMessage().startsWith("CAM needs a network ending in global average pooling"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
