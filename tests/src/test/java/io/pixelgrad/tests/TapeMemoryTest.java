package io.pixelgrad.tests;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.functions.MaxPool2d;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.Parameter;
import io.pixelgrad.engine.ConvSpec;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Off-heap memory of a pass is released when its tape closes, not when the garbage collector gets round to it: every
 * array the forward and backward passes made (activations, saved switches, gradients) reports {@code wasClosed()}
 * after {@link Tape#close()}, while the caller's input, the model's parameters and a dup() taken before closing stay
 * usable. This checks the release itself rather than a memory counter or a timing, so it cannot flake.
 */
class TapeMemoryTest {

    /** The convolutional part of a small VGG16 with batch norm: conv, batch norm, ReLU, max-pool, adaptive pooling. */
    @ParameterizedTest(name = "trainable parameters: {0}")
    @ValueSource(booleans = {false, true})
    void closingTheTapeFreesEveryArrayOfAFeaturesPass(boolean trainable) {
        Classifier model = model(trainable);
        checkPassRelease(model.features(), trainable, x -> model.avgpool().forward(model.features().forward(x)));
    }

    /** The whole classifier, through Flatten and the Linear layers, on a batch of one (reshapes and batch-1 reductions). */
    @ParameterizedTest(name = "trainable parameters: {0}")
    @ValueSource(booleans = {false, true})
    void closingTheTapeFreesEveryArrayOfAWholeClassifierPass(boolean trainable) {
        Classifier model = model(trainable);
        checkPassRelease(model, trainable, model::forward);
    }

    /** Every layer fixture's function, forward and backward, then closed: its output and gradients must be freed. */
    @TestFactory
    Stream<DynamicTest> closingTheTapeFreesWhatEachFunctionMade() {
        return Fixture.all("layers").stream().filter(f -> !f.op().equals("reluRules"))
                .map(f -> DynamicTest.dynamicTest(f.op() + " " + f.name(), () -> {
                    Map<String, INDArray> values = new LinkedHashMap<>();
                    try (Tape tape = new Tape()) {
                        Map<String, Tensor> inputs = LayerReferenceTest.inputs(f, tape, values);
                        Tensor y = LayerReferenceTest.apply(f, inputs);
                        values.put("grad_y", f.array("grad_y"));
                        checkFunctionRelease(f.name(), tape, y, LayerReferenceTest.seedFor(y, values.get("grad_y")), inputs, values);
                    } finally {
                        values.values().forEach(INDArray::close);
                    }
                }));
    }

    /** Cases the fixtures do not reach: a batch of one, where ND4J reductions over a size-1 dimension behave differently. */
    @TestFactory
    Stream<DynamicTest> closingTheTapeFreesWhatBatchOfOneFunctionsMade() {
        Map<String, java.util.function.Function<Map<String, Tensor>, Tensor>> cases = new LinkedHashMap<>();
        cases.put("linear_batch1", in -> F.linear(in.get("x"), in.get("w"), in.get("b")));
        cases.put("sum_dim0_batch1", in -> F.sum(in.get("x"), 0));
        cases.put("mean_dim0_batch1", in -> F.mean(in.get("x"), 0));
        cases.put("conv_batch1", in -> F.conv2d(in.get("x4"), in.get("w4"), in.get("b"), ConvSpec.of(1, 0)));
        return cases.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Map<String, INDArray> values = new LinkedHashMap<>();
            values.put("x", Nd4j.rand(DataType.FLOAT, 1, 8));
            values.put("x4", Nd4j.rand(DataType.FLOAT, 1, 2, 3, 3));
            values.put("w", Nd4j.rand(DataType.FLOAT, 3, 8));
            values.put("b", Nd4j.rand(DataType.FLOAT, 3));
            values.put("w4", Nd4j.rand(DataType.FLOAT, 3, 2, 1, 1));
            try (Tape tape = new Tape()) {
                Map<String, Tensor> all = new LinkedHashMap<>();
                for (String k : List.of("x", "x4")) all.put(k, tape.input(values.get(k)));
                for (String k : List.of("w", "b", "w4")) all.put(k, Tensor.parameter(values.get(k), true, k));
                Tensor y = e.getValue().apply(all);
                INDArray seed = Nd4j.rand(DataType.FLOAT, y.shape());
                values.put("seed", seed);
                Map<String, Tensor> used = new LinkedHashMap<>();  // Gradients.of works on the tensors a pass used
                for (Function f : tape.functions())
                    for (Tensor t : f.inputs()) all.forEach((k, v) -> { if (v == t) used.put(k, v); });
                checkFunctionRelease(e.getKey(), tape, y, seed, used, values);
            } finally {
                values.values().forEach(INDArray::close);
            }
        }));
    }

    /** Backward from y, close the tape, then: y and every input's gradient freed, the caller's arrays not. */
    private static void checkFunctionRelease(String name, Tape tape, Tensor y, INDArray seed, Map<String, Tensor> inputs,
                                             Map<String, INDArray> callerArrays) {
        Gradients g = tape.backward(y, seed, ReluRule.STANDARD);
        Map<INDArray, String> made = new IdentityHashMap<>();
        made.put(y.value(), "output");
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) made.put(g.of(e.getValue()), "gradient of " + e.getKey());
        tape.close();
        List<String> open = new ArrayList<>();
        made.forEach((a, what) -> {
            if (!a.wasClosed()) open.add(what + (a.isView() ? " (a view)" : ""));
        });
        assertTrue(open.isEmpty(), name + ": still allocated after Tape.close(): " + open);
        callerArrays.forEach((k, v) -> assertFalse(v.wasClosed(), k + " belongs to the caller and must stay open"));
    }

    private static Classifier model(boolean trainable) {
        Classifier model = Architectures.create("vgg16_bn", 10, 32);
        Init.randomize(model, 11);
        model.setTrainable(trainable);
        return model;
    }

    /**
     * Runs forward and a GUIDED backward watching every module, then checks that close() freed everything the pass
     * made, including the max-pool switches; owner: the module whose parameters the pass uses.
     */
    private static void checkPassRelease(Module owner, boolean trainable, java.util.function.Function<Tensor, Tensor> forward) {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32).subi(0.5);
        List<Tensor> parameters = new ArrayList<>();
        for (Parameter p : owner.parameters().values()) parameters.add(p.tensor());

        Map<INDArray, String> made = new IdentityHashMap<>();
        Tape tape = new Tape().watchAll();
        Tensor input = tape.input(x);
        Tensor out = forward.apply(input);
        INDArray seed = Nd4j.rand(DataType.FLOAT, out.shape());
        Gradients g = tape.backward(out, seed, ReluRule.GUIDED);
        made.put(out.value(), "output");
        int pools = 0;
        for (Function f : tape.functions()) {
            for (Tensor t : f.inputs())
                if (t.tape() == tape && t.creator() != null) made.put(t.value(), "input of " + f.name());
            if (f instanceof MaxPool2d pool) {
                made.put(pool.switches(), "max-pool switches");
                pools++;
            }
        }
        for (String name : tape.capturedNames()) made.put(tape.output(name).value(), "output of " + name);
        for (String name : g.moduleNames()) made.put(g.atModule(name), "gradient at " + name);
        made.put(g.of(input), "input gradient");
        if (trainable) for (Tensor p : parameters) made.put(g.of(p), "gradient of " + p.label());
        INDArray kept = g.of(input).dup();
        double keptSum = kept.sumNumber().doubleValue();

        assertEquals(5, pools, "VGG16 has five max-pools");
        assertTrue(made.size() > 40, "the pass made only " + made.size() + " arrays");
        made.forEach((a, what) -> assertFalse(a.wasClosed(), what + " closed before the tape"));

        tape.close();

        List<String> open = new ArrayList<>();
        made.forEach((a, what) -> {
            if (!a.wasClosed()) open.add(what + (a.isView() ? " (a view)" : ""));
        });
        assertTrue(open.isEmpty(), "still allocated after Tape.close(): " + open);
        assertFalse(x.wasClosed(), "the caller's input must stay open");
        assertFalse(seed.wasClosed(), "the caller's seed must stay open");
        for (Tensor p : parameters) assertFalse(p.value().wasClosed(), "parameter " + p.label() + " must stay open");
        assertEquals(keptSum, kept.sumNumber().doubleValue(), "a dup() taken before closing outlives the tape");
        kept.close();
        x.close();
        seed.close();
    }
}
