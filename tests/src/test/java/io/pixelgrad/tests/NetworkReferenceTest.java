package io.pixelgrad.tests;

import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.pixelgrad.engine.Arrays;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Small AlexNet- and VGG-shaped networks (zoo-import's architectures with divided widths, PyTorch's random weights)
 * against PyTorch: the logits, and for each ReLU rule the gradient of the chosen class logits with respect to the
 * input, the activation of the last conv ReLU and the gradient arriving there (what Grad-CAM uses). Fixtures are under
 * reference/networks; PyTorch's GUIDED and DECONVNET come from full backward hooks on every ReLU.
 *
 * <p>Worst errors reached over logits, the layer's activation, the input gradient and the gradient at the layer,
 * measured when these tests were written, identical on the cpu and the portable kernels (array-relative /
 * element-relative, as in {@link LayerReferenceTest}):
 * <pre>
 *   alexnet_16   (1x3x95x95)      standard 5.25e-07 / 1.87e-04   guided 3.30e-07 / 3.79e-05   deconvnet 8.34e-07 / 2.04e-04
 *   vgg16_32     (1x3x32x32, and
 *                 a batch of 2)   standard 9.75e-07 / 1.22e-04   guided 9.75e-07 / 1.18e-05   deconvnet 9.75e-07 / 1.19e-04
 *   vgg16_bn_32  (1x3x48x48)      standard 4.79e-07 / 9.94e-05   guided 4.48e-07 / 2.77e-05   deconvnet 1.14e-06 / 2.89e-04
 * </pre>
 * The element-relative bound is 1e-3 here (1e-4 for single layers): see {@link Compare#NETWORK_ELEMENT_TOLERANCE}.
 *
 * <p>Every case runs again in float64 against PyTorch's float64 outputs (same weights and inputs, widened): worst
 * errors measured 5e-15 array-relative and 9e-13 element-relative (bounds 1e-12 and 1e-10). alexnet_16_ties has
 * conv biases that make most ReLU inputs negative, so dozens of overlapping max-pool windows hold only zeros: exact
 * ties whose switch (the first index in row-major order) decides where the DECONVNET gradient goes.
 */
class NetworkReferenceTest {

    private static final double ELEMENT = Compare.NETWORK_ELEMENT_TOLERANCE;

    @TestFactory
    Stream<DynamicNode> matchesPyTorch() {
        return Fixture.all("networks").stream().map(f -> DynamicContainer.dynamicContainer(f.name(), cases(f)));
    }

    @AfterAll
    static void report() {
        Compare.report("Networks");
    }

    private static Stream<DynamicNode> cases(Fixture f) {
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("state_dict keys, shapes and layer name", () -> {
            Classifier model = Architectures.create(f.param("architecture").asText(), f.intParam("num_classes"),
                    f.intParam("width_divisor"));
            // Key order is not compared: loading goes by name, and torchvision lists each module's buffers right after
            // its parameters while Module.stateShapes() lists all parameters first.
            Map<String, long[]> shapes = model.stateShapes();
            assertEquals(new TreeSet<>(f.strings("state_dict")), new TreeSet<>(shapes.keySet()), "state_dict keys");
            for (String key : f.strings("state_dict")) {
                long[] expected = f.shape("state/" + key);
                long[] actual = shapes.get(key);
                if (expected.length == 0) assertEquals(1, Arrays.length(actual), key + ": a scalar");
                else assertArrayEquals(expected, actual, key + ": shape");
            }
            assertEquals(f.param("layer").asText(), model.lastConvReluName(), "the last conv ReLU");
        }));
        for (ReluRule rule : ReluRule.values()) tests.add(DynamicTest.dynamicTest(rule.name(), () -> check(f, rule, DataType.FLOAT)));
        for (ReluRule rule : ReluRule.values())
            tests.add(DynamicTest.dynamicTest(rule.name() + " float64", () -> check(f, rule, DataType.DOUBLE)));
        return tests.stream();
    }

    /** The architecture the fixture names, with PyTorch's weights loaded (every key must match, by loadStateDict). */
    private static Classifier model(Fixture f, DataType type) {
        Classifier model = Architectures.create(f.param("architecture").asText(), f.intParam("num_classes"),
                f.intParam("width_divisor"));
        Map<String, INDArray> state = new HashMap<>();
        for (String key : f.strings("state_dict")) state.put(key, f.array("state/" + key));
        model.loadStateDict(state);
        model.toDataType(type);
        return model;
    }

    private static void check(Fixture f, ReluRule rule, DataType type) {
        String group = f.name().replaceAll("_batch\\d+$", "") + " " + rule.name().toLowerCase(Locale.ROOT);
        String r = rule.name().toLowerCase(Locale.ROOT);
        String layer = f.param("layer").asText();
        Classifier model = model(f, type);
        INDArray x = f.input("x", type), seed = f.input("seed", type);
        try (Tape tape = new Tape().watch(layer)) {
            Tensor input = tape.input(x);
            Tensor logits = model.forward(input);
            Compare.assertCloseIn(type, group, f.name() + " logits", logits.value(), f.output("logits", type), f.shape("logits"), ELEMENT);
            Compare.assertCloseIn(type, group, f.name() + " " + layer + " activation", tape.output(layer).value(),
                    f.output("act_layer", type), f.shape("act_layer"), ELEMENT);
            Gradients g = tape.backward(logits, seed, rule);
            Compare.assertCloseIn(type, group, f.name() + " " + rule + " d/dx", g.of(input), f.output("grad_x_" + r, type),
                    f.shape("grad_x_" + r), ELEMENT);
            Compare.assertCloseIn(type, group, f.name() + " " + rule + " gradient at " + layer, g.atModule(layer),
                    f.output("grad_at_layer_" + r, type), f.shape("grad_at_layer_" + r), ELEMENT);
        } finally {
            x.close();
            seed.close();
        }
    }
}
