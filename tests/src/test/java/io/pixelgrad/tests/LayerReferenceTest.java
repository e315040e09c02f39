package io.pixelgrad.tests;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.ConvSpec;
import io.pixelgrad.engine.Kernels;
import io.pixelgrad.engine.PoolSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every differentiable function against PyTorch 1.13: the forward output and the gradients of each input (and of
 * weight and bias for conv2d, linear and batch norm) for a random upstream gradient, on the fixtures under
 * reference/layers. Runs once per kernel set (see the portable-kernels execution in tests/pom.xml).
 *
 * <p>Worst errors reached, measured when these tests were written (array-relative max|a-b|/max|b|; element-relative
 * |a-b|/(|b| + 1e-3 max|b|)), identical on the cpu and the portable kernels:
 * <pre>
 *   conv2d (9 geometries, d/dx, d/dw, d/db)   5.96e-07 / 3.83e-05   (5x5 groups 2, weight gradient)
 *   resizeBilinear (up, down, 1x1)            5.94e-07 / 4.90e-05
 *   batchNorm (eval, d/dx, d/dw, d/db)        2.24e-07 / 1.11e-05
 *   softmax, logSoftmax                       2.26e-07 / 4.93e-07
 *   lrn (Caffe 5, strong, even sizes 4 and 2) 1.84e-07 / 4.57e-07
 *   tanh, sigmoid, exp, log, pow, abs         1.86e-07 / 1.06e-05
 *   adaptiveAvgPool2d (non-divisible, up)     1.20e-07 / 2.44e-06
 *   linear, sum, mean, mul, div               1.14e-07 / 6.74e-06
 *   maxPool2d (overlap, ties, plateaus, pad, dilation), avgPool2d, relu rules, pad, slice, crop, roll, concat,
 *   reshape, flatten, add, sub, affine, square: exactly equal (0 / 0)
 * </pre>
 * In float64 (every case again, against PyTorch's float64 outputs of the same values) the worst errors measured were
 * 9.5e-16 array-relative (conv2d) and 1.1e-13 element-relative (conv2d; bounds 1e-12 and 1e-10).
 */
class LayerReferenceTest {

    /** Ops whose "w" and "b" inputs are layer parameters (trainable, so they receive gradients). */
    private static final Set<String> WITH_PARAMETERS = Set.of("conv2d", "linear", "batchNorm");

    @Test
    void kernelSetIsTheRequestedOne() {
        String requested = System.getProperty(Kernels.PROPERTY);
        if (requested != null && !requested.isBlank()) assertEquals(requested.trim(), Kernels.get().name());
    }

    @Test
    void fixturesCoverEveryFunction() {
        Set<String> covered = new TreeSet<>();
        Fixture.all("layers").forEach(f -> covered.add(f.op()));
        Set<String> missing = new TreeSet<>(List.of("conv2d", "maxPool2d", "avgPool2d", "adaptiveAvgPool2d", "linear",
                "flatten", "reshape", "reluRules", "batchNorm", "lrn", "softmax", "logSoftmax", "resizeBilinear", "pad",
                "slice", "crop", "roll", "concat", "add", "sub", "mul", "div", "affine", "sum", "mean", "square", "pow",
                "abs", "exp", "log", "sigmoid", "tanh"));
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "no PyTorch fixture for " + missing + ": rerun make_reference.py");
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return Fixture.all("layers").stream().map(f -> DynamicTest.dynamicTest(f.op() + " " + f.name(), () -> check(f, DataType.FLOAT)));
    }

    /** Every case again in float64, against PyTorch's float64 outputs from the same values. */
    @TestFactory
    Stream<DynamicTest> matchesPyTorchInFloat64() {
        return Fixture.all("layers").stream().map(f -> DynamicTest.dynamicTest(f.op() + " " + f.name() + " float64",
                () -> check(f, DataType.DOUBLE)));
    }

    @AfterAll
    static void report() {
        Compare.report("Layers");
    }

    private static void check(Fixture f, DataType type) {
        if (f.op().equals("reluRules")) {
            checkReluRules(f, type);
            return;
        }
        String group = f.op();
        Map<String, INDArray> values = new LinkedHashMap<>();
        try (Tape tape = new Tape()) {
            Map<String, Tensor> inputs = inputs(f, tape, values, type);
            Tensor y = apply(f, inputs, type);
            Compare.assertCloseIn(type, group, f.name() + " forward", y.value(), f.output("y", type), f.shape("y"),
                    Compare.ELEMENT_TOLERANCE);
            INDArray seed = seedFor(y, f.input("grad_y", type));
            Gradients g = tape.backward(y, seed, ReluRule.STANDARD);
            for (String name : f.strings("grads")) {
                Compare.assertCloseIn(type, group, f.name() + " d/d" + name, g.of(inputs.get(name)), f.output("grad_" + name, type),
                        f.shape("grad_" + name), Compare.ELEMENT_TOLERANCE);
            }
        } finally {
            values.values().forEach(INDArray::close);
        }
    }

    /**
     * The case's inputs as tensors: weights and biases of conv2d, linear and batch norm as trainable parameters, the
     * rest as inputs on the tape. The arrays read are put in values (the caller closes them).
     */
    static Map<String, Tensor> inputs(Fixture f, Tape tape, Map<String, INDArray> values) {
        return inputs(f, tape, values, DataType.FLOAT);
    }

    /** As {@link #inputs(Fixture, Tape, Map)}, the values in the given data type. */
    static Map<String, Tensor> inputs(Fixture f, Tape tape, Map<String, INDArray> values, DataType type) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (String name : f.strings("inputs")) {
            INDArray v = f.input(name, type);
            values.put(name, v);
            boolean parameter = WITH_PARAMETERS.contains(f.op()) && (name.equals("w") || name.equals("b"));
            inputs.put(name, parameter ? Tensor.parameter(v, true, name) : tape.input(v));
        }
        return inputs;
    }

    /** The upstream gradient in the root's shape (NumPy gives a 0-d gradient as [1]). */
    static INDArray seedFor(Tensor root, INDArray gradY) {
        if (root.rank() == 0) return Nd4j.scalar(gradY.dataType(), gradY.getDouble(0));
        return gradY;
    }

    /** The F call a case describes, with the case's parameters. */
    static Tensor apply(Fixture f, Map<String, Tensor> in) {
        return apply(f, in, DataType.FLOAT);
    }

    /** The F call a case describes, with constant arrays (batch norm's statistics) in the given data type. */
    static Tensor apply(Fixture f, Map<String, Tensor> in, DataType type) {
        Tensor x = in.get("x");
        switch (f.op()) {
            case "conv2d": {
                int[] s = f.intsParam("stride"), p = f.intsParam("padding"), d = f.intsParam("dilation");
                ConvSpec spec = new ConvSpec(s[0], s[1], p[0], p[1], d[0], d[1], f.intParam("groups"));
                return F.conv2d(x, in.get("w"), in.get("b"), spec);
            }
            case "maxPool2d":
                return F.maxPool2d(x, poolSpec(f));
            case "avgPool2d":
                return F.avgPool2d(x, poolSpec(f));
            case "adaptiveAvgPool2d": {
                int[] out = f.intsParam("out");
                return F.adaptiveAvgPool2d(x, out[0], out[1]);
            }
            case "linear":
                return F.linear(x, in.get("w"), in.get("b"));
            case "flatten":
                return F.flatten(x);
            case "reshape":
                return F.reshape(x, java.util.Arrays.stream(f.intsParam("shape")).asLongStream().toArray());
            case "batchNorm":
                return F.batchNorm(x, in.get("w"), in.get("b"), f.input("running_mean", type), f.input("running_var", type),
                        f.doubleParam("eps"));
            case "lrn":
                return F.lrn(x, f.intParam("size"), f.doubleParam("alpha"), f.doubleParam("beta"), f.doubleParam("k"));
            case "softmax":
                return F.softmax(x);
            case "logSoftmax":
                return F.logSoftmax(x);
            case "resizeBilinear": {
                int[] out = f.intsParam("out");
                return F.resizeBilinear(x, out[0], out[1]);
            }
            case "pad":
                return F.pad(x, f.intParam("top"), f.intParam("bottom"), f.intParam("left"), f.intParam("right"),
                        f.doubleParam("value"));
            case "slice":
                return F.slice(x, f.intParam("dim"), f.intParam("from"), f.intParam("to"));
            case "crop":
                return F.crop(x, f.intParam("top"), f.intParam("left"), f.intParam("height"), f.intParam("width"));
            case "roll":
                return F.roll(x, f.intParam("dim"), f.intParam("shift"));
            case "concat":
                return F.concat(f.intParam("dim"), in.values().toArray(new Tensor[0]));
            case "add":
                return F.add(in.get("a"), in.get("b"));
            case "sub":
                return F.sub(in.get("a"), in.get("b"));
            case "mul":
                return F.mul(in.get("a"), in.get("b"));
            case "div":
                return F.div(in.get("a"), in.get("b"));
            case "affine": {
                // Exercises the three scalar entry points: x + c, x * c and scale * x + shift.
                double scale = f.doubleParam("scale"), shift = f.doubleParam("shift");
                if (scale == 1) return F.add(x, shift);
                if (shift == 0) return F.mul(x, scale);
                return F.affine(x, scale, shift);
            }
            case "sum":
                return F.sum(x, f.intsParam("dims"));
            case "mean":
                return F.mean(x, f.intsParam("dims"));
            case "square":
                return F.square(x);
            case "pow":
                return F.pow(x, f.doubleParam("p"));
            case "powAbs":
                return F.pow(F.abs(x), f.doubleParam("p"));
            case "abs":
                return F.abs(x);
            case "exp":
                return F.exp(x);
            case "log":
                return F.log(x);
            case "sigmoid":
                return F.sigmoid(x);
            case "tanh":
                return F.tanh(x);
            default:
                throw new IllegalArgumentException(f.name() + ": no mapping for op " + f.op());
        }
    }

    private static PoolSpec poolSpec(Fixture f) {
        int[] k = f.intsParam("kernel"), s = f.intsParam("stride"), p = f.intsParam("padding"), d = f.intsParam("dilation");
        return new PoolSpec(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]);
    }

    /** One ReLU under each backward rule, against PyTorch's hooks (GUIDED: clamp(grad_input), DECONVNET: clamp(grad_output)). */
    private static void checkReluRules(Fixture f, DataType type) {
        INDArray x = f.input("x", type), gy = f.input("grad_y", type);
        try {
            for (ReluRule rule : ReluRule.values()) {
                try (Tape tape = new Tape()) {
                    Tensor in = tape.input(x);
                    Tensor y = F.relu(in);
                    Compare.assertCloseIn(type, "relu", f.name() + " forward", y.value(), f.output("y", type), f.shape("y"),
                            Compare.ELEMENT_TOLERANCE);
                    String key = "grad_x_" + rule.name().toLowerCase(Locale.ROOT);
                    Compare.assertCloseIn(type, "relu", f.name() + " " + rule, tape.backward(y, gy, rule).of(in),
                            f.output(key, type), f.shape(key), Compare.ELEMENT_TOLERANCE);
                }
            }
        } finally {
            x.close();
            gy.close();
        }
    }
}
