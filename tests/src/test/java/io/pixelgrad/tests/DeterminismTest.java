package io.pixelgrad.tests;

import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Same inputs, same weights, same thread count: bitwise-identical outputs. Checked on a small VGG16 (widths / 32,
 * seeded random weights, a batch of two) for a forward+backward pass under STANDARD and GUIDED, repeated on one
 * thread, and run by two threads at once on the same model (the backward rule is a per-pass argument, so the passes
 * must not see each other).
 */
class DeterminismTest {

    private static final String LAYER = "features.29";
    private static Classifier model;
    private static INDArray x;
    private static INDArray seed;

    /** Everything a pass produces that a visualization reads, as raw float bits. */
    private record Pass(int[] logits, int[] activation, int[] gradAtLayer, int[] gradInput) {
    }

    @BeforeAll
    static void setUp() {
        model = Architectures.create("vgg16", 10, 32);
        Init.randomize(model, 20240611L);
        Random random = new Random(7);
        float[] pixels = new float[2 * 3 * 32 * 32];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextGaussian();
        x = Nd4j.create(pixels, new long[]{2, 3, 32, 32}, 'c');
        seed = Nd4j.zeros(DataType.FLOAT, 2, 10);
        seed.putScalar(0, 3, 1f);
        seed.putScalar(1, 8, 1f);
    }

    @AfterAll
    static void tearDown() {
        x.close();
        seed.close();
    }

    private static Pass run(ReluRule rule) {
        try (Tape tape = new Tape().watch(LAYER)) {
            Tensor input = tape.input(x);
            Tensor logits = model.forward(input);
            Gradients g = tape.backward(logits, seed, rule);
            return new Pass(bits(logits.value()), bits(tape.output(LAYER).value()), bits(g.atModule(LAYER)), bits(g.of(input)));
        }
    }

    private static int[] bits(INDArray a) {
        INDArray c = a.dup('c');
        float[] v = c.data().asFloat();
        c.close();
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) bits[i] = Float.floatToRawIntBits(v[i]);
        return bits;
    }

    private static void assertIdentical(Pass expected, Pass actual, String what) {
        assertArrayEquals(expected.logits(), actual.logits(), what + ": logits");
        assertArrayEquals(expected.activation(), actual.activation(), what + ": activation at " + LAYER);
        assertArrayEquals(expected.gradAtLayer(), actual.gradAtLayer(), what + ": gradient at " + LAYER);
        assertArrayEquals(expected.gradInput(), actual.gradInput(), what + ": input gradient");
    }

    @Test
    void theSamePassTwiceIsBitwiseIdentical() {
        for (ReluRule rule : List.of(ReluRule.STANDARD, ReluRule.GUIDED)) {
            Pass first = run(rule);
            for (int i = 0; i < 2; i++) assertIdentical(first, run(rule), rule + " rerun " + (i + 1));
        }
    }

    @Test
    void guidedAndStandardOnTwoThreadsMatchTheirSoloRuns() throws Exception {
        Pass standard = run(ReluRule.STANDARD), guided = run(ReluRule.GUIDED);
        // The comparison below can only fail if the two rules give different gradients.
        assertFalse(java.util.Arrays.equals(standard.gradInput(), guided.gradInput()), "GUIDED and STANDARD should differ");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                CyclicBarrier start = new CyclicBarrier(2);  // both passes begin together, so they really overlap
                List<Future<Pass>> futures = new ArrayList<>();
                for (ReluRule rule : List.of(ReluRule.STANDARD, ReluRule.GUIDED)) {
                    futures.add(pool.submit(() -> {
                        start.await(1, TimeUnit.MINUTES);
                        return run(rule);
                    }));
                }
                assertIdentical(standard, futures.get(0).get(5, TimeUnit.MINUTES), "STANDARD beside GUIDED, round " + round);
                assertIdentical(guided, futures.get(1).get(5, TimeUnit.MINUTES), "GUIDED beside STANDARD, round " + round);
            }
        } finally {
            pool.shutdownNow();
            assertEquals(true, pool.awaitTermination(1, TimeUnit.MINUTES), "worker threads ended");
        }
    }
}
