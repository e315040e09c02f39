package io.pixelgrad.autograd;

import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.nn.Sequential;
import io.pixelgrad.engine.PoolSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A max-pool whose input came from a ReLU goes backwards in one step when nothing else needs the gradient between
 * them (the ReLU's rule on the pooled gradient, then unpooling). Every case here compares that against the two steps
 * a trace takes, element by element (zeros of either sign count as equal), and checks which steps were taken.
 */
class ReluPoolShortcutTest {

    /** Records the steps of a pass; {@code everyStep} false lets the tape take its shortcut, as a pass with no listener. */
    private static BackwardListener steps(List<String> names, boolean everyStep) {
        BackwardListener recording = (f, gradOutput, gradInputs, nanos) -> names.add(f.name());
        return everyStep ? recording : BackwardListener.withShortcuts(recording);
    }

    private static double[] gradient(Sequential net, INDArray x, INDArray seed, ReluRule rule, boolean everyStep, List<String> names) {
        try (Tape tape = new Tape()) {
            Tensor in = tape.input(x);
            return tape.backward(net.forward(in), seed, rule, steps(names, everyStep)).of(in).dup('c').data().asDouble();
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE})
            for (int size : new int[]{12, 10})  // 12: 2x2 windows tile both pools; 10: the second pool leaves a row out
                for (ReluRule rule : ReluRule.values()) all.add(Arguments.of(type, size, rule));
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{1} {2}")
    @MethodSource("cases")
    void disjointPoolsAfterReluTakeOneStepWithTheTwoStepsResult(DataType type, int size, ReluRule rule) {
        Sequential net = new Sequential(new Conv2d(3, 6, 3, 1, 1), new ReLU(), new MaxPool2d(2, 2),
                new Conv2d(6, 5, 3, 1, 1), new ReLU(), new MaxPool2d(2, 2), new Conv2d(5, 4, 1, 1, 0));
        Init.randomize(net, 5);
        net.toDataType(type);
        Nd4j.getRandom().setSeed(17);
        // inputs around zero so that many windows have a negative ReLU input at their winner, and some are all zero
        INDArray x = Nd4j.rand(type, 2, 3, size, size).subi(0.5);
        INDArray seed = Nd4j.rand(type, 2, 4, size / 4, size / 4).subi(0.5);
        List<String> oneStep = new ArrayList<>(), twoSteps = new ArrayList<>();
        double[] shortcut = gradient(net, x, seed, rule, false, oneStep);
        double[] stepwise = gradient(net, x, seed, rule, true, twoSteps);
        assertArrayEquals(stepwise, shortcut, 0.0);
        assertEquals(0, Collections.frequency(oneStep, "Relu"), "both ReLUs go with their pools: " + oneStep);
        assertEquals(2, Collections.frequency(twoSteps, "Relu"), "a trace sees every step: " + twoSteps);
        assertTrue(java.util.Arrays.stream(stepwise).anyMatch(v -> v != 0), "the gradient reaches the input");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void overlappingWindowsKeepTheReluStep(ReluRule rule) {
        // 3x3 windows with stride 2 (AlexNet's) add two gradients at a shared winner before the ReLU rule
        Sequential net = new Sequential(new Conv2d(3, 6, 3, 1, 1), new ReLU(), new MaxPool2d(3, 2), new Conv2d(6, 4, 1, 1, 0));
        Init.randomize(net, 6);
        Nd4j.getRandom().setSeed(18);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 11, 11).subi(0.5);
        INDArray seed = Nd4j.rand(DataType.FLOAT, 2, 4, 5, 5).subi(0.5);
        List<String> names = new ArrayList<>(), traced = new ArrayList<>();
        double[] g = gradient(net, x, seed, rule, false, names);
        assertEquals(1, Collections.frequency(names, "Relu"), names.toString());
        assertArrayEquals(gradient(net, x, seed, rule, true, traced), g, 0.0);
    }

    static Stream<ReluRule> rules() {
        return Stream.of(ReluRule.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void aReluOutputUsedTwiceKeepsItsStep(ReluRule rule) {
        Conv2d conv = new Conv2d(3, 4, 3, 1, 1);
        Init.randomize(conv, 7);
        Nd4j.getRandom().setSeed(19);
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 8, 8).subi(0.5);
        List<String> names = new ArrayList<>(), traced = new ArrayList<>();
        double[][] results = new double[2][];
        for (int k = 0; k < 2; k++) {
            try (Tape tape = new Tape()) {
                Tensor in = tape.input(x);
                Tensor y = F.relu(conv.forward(in));
                // the pool's input also reaches the root directly: its gradient is the sum of both paths
                Tensor root = F.add(F.sum(F.square(F.maxPool2d(y, PoolSpec.of(2, 2)))), F.sum(F.mul(y, 0.5)));
                INDArray one = Nd4j.ones(root.dataType(), root.shape());
                results[k] = tape.backward(root, one, rule, steps(k == 0 ? names : traced, k == 1)).of(in).dup('c').data().asDouble();
            }
        }
        assertEquals(1, Collections.frequency(names, "Relu"), names.toString());
        assertArrayEquals(results[1], results[0], 0.0);
    }

    @org.junit.jupiter.api.Test
    void theGradientAtAWatchedReluIsStillThere() {
        Sequential net = new Sequential(new Conv2d(3, 4, 3, 1, 1), new ReLU(), new MaxPool2d(2, 2));
        Init.randomize(net, 8);
        Nd4j.getRandom().setSeed(20);
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 8, 8).subi(0.5);
        INDArray seed = Nd4j.rand(DataType.FLOAT, 1, 4, 4, 4).subi(0.5);
        try (Tape tape = new Tape()) {
            tape.watch("1");
            Tensor in = tape.input(x);
            Tensor out = net.forward(in);
            List<String> names = new ArrayList<>();
            Gradients g = tape.backward(out, seed, ReluRule.STANDARD, steps(names, false));
            assertEquals(1, Collections.frequency(names, "Relu"), "the watched output's gradient is asked for: " + names);
            double[] atRelu = g.atModule("1").dup('c').data().asDouble();
            Gradients leavesOnly = tape.backwardToLeaves(out, seed, ReluRule.STANDARD);
            assertArrayEquals(g.of(in).dup('c').data().asDouble(), leavesOnly.of(in).dup('c').data().asDouble(), 0.0,
                    "without the watched gradient the shortcut is taken, with the same result");
            assertTrue(java.util.Arrays.stream(atRelu).anyMatch(v -> v != 0));
        }
    }

    @org.junit.jupiter.api.Test
    void aRuleOfOnesOwnKeepsItsStep() {
        ReluRule halfThrough = new ReluRule() {
            @Override
            public INDArray backward(INDArray x, INDArray g) {
                return g.mul(0.5);
            }

            @Override
            public String name() {
                return "HALF";
            }
        };
        Sequential net = new Sequential(new Conv2d(3, 4, 3, 1, 1), new ReLU(), new MaxPool2d(2, 2));
        Init.randomize(net, 9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 8, 8).subi(0.5);
        List<String> names = new ArrayList<>();
        gradient(net, x, Nd4j.ones(DataType.FLOAT, 1, 4, 4, 4), halfThrough, false, names);
        assertEquals(1, Collections.frequency(names, "Relu"), "only the built-in rules are known to commute with unpooling");
    }
}
