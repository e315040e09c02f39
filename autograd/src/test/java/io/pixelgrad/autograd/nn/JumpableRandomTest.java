package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.functions.Dropout;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** JumpableRandom is java.util.Random's sequence, its jumps land where single steps would, and dropout's split draws match. */
class JumpableRandomTest {

    @Test
    void drawsWhatJavaUtilRandomDraws() {
        for (long seed : new long[]{0, 1, -7, 0x5DEECE66DL, Long.MAX_VALUE}) {
            Random reference = new Random(seed);
            JumpableRandom ours = new JumpableRandom(seed);
            for (int i = 0; i < 1000; i++) {
                assertEquals(reference.nextInt(), ours.nextInt());
                assertEquals(reference.nextDouble(), ours.nextDouble(), 0);
                assertEquals(reference.nextLong(), ours.nextLong());
                assertEquals(reference.nextInt(37), ours.nextInt(37));
                assertEquals(reference.nextGaussian(), ours.nextGaussian(), 0);
            }
        }
    }

    @Test
    void skippingEqualsSteppingOneAtATime() {
        for (long steps : new long[]{0, 1, 2, 3, 64, 1000, 123_457, 1 << 20}) {
            JumpableRandom stepped = new JumpableRandom(42), jumped = new JumpableRandom(42);
            stepped.nextInt();   // start away from the seed's own state
            jumped.nextInt();
            for (long i = 0; i < steps; i++) stepped.nextInt();   // nextInt is one step
            JumpableRandom copy = jumped.copy();
            jumped.skip(steps);
            for (int i = 0; i < 10; i++) assertEquals(stepped.nextInt(), jumped.nextInt(), "after skipping " + steps);
            JumpableRandom fresh = new JumpableRandom(42);
            fresh.nextInt();
            assertEquals(fresh.nextInt(), copy.nextInt(), "a copy is not advanced by the original");
        }
    }

    @Test
    void drawingManyDoublesAtOnceEqualsDrawingThemOneByOne() {
        for (int count : new int[]{0, 1, 3, 4, 5, 8, 1001}) {
            Random reference = new Random(11);
            JumpableRandom ours = new JumpableRandom(11);
            reference.nextInt();   // start somewhere other than the seed's first state
            ours.nextInt();
            double[] many = new double[count];
            ours.nextDoubles(many);
            for (int i = 0; i < count; i++) assertEquals(reference.nextDouble(), many[i], 0, "draw " + i + " of " + count);
            assertEquals(reference.nextInt(), ours.nextInt(), "the generator continues after the " + count + " draws");
        }
    }

    @Test
    void dropoutDrawsTheSameMaskSplitOverThreads() {
        Random reference = new Random(5);
        JumpableRandom ours = new JumpableRandom(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 3136).addi(0.5f);
        for (int call = 0; call < 3; call++) {   // consecutive masks: the generator ends where the serial loop does
            try (Tape tape = new Tape()) {
                Tensor input = tape.constant(x);
                float[] expected = Dropout.apply(input, 0.25, reference).value().data().asFloat();
                float[] actual = Dropout.apply(input, 0.25, ours).value().data().asFloat();
                assertArrayEquals(expected, actual, 0, "mask " + call);
            }
        }
    }
}
