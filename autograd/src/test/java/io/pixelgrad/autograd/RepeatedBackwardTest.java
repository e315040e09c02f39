package io.pixelgrad.autograd;

import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One recorded forward pass serves many backward passes (other seeds, other ReLU rules) with the same results as a
 * fresh pass each time; a released pass's gradients are freed at once; backwardToLeaves skips the watched outputs.
 */
class RepeatedBackwardTest {

    private static Sequential net() {
        Sequential s = new Sequential(new Conv2d(3, 4, 3, 1, 1), new ReLU(), new MaxPool2d(2, 2), new Conv2d(4, 5, 3, 1, 1), new ReLU());
        io.pixelgrad.autograd.nn.Init.randomize(s, 11);
        return s;
    }

    private static float[] freshGradient(Sequential s, INDArray x, INDArray seed, ReluRule rule) {
        try (Tape tape = new Tape()) {
            Tensor in = tape.input(x);
            return tape.backward(s.forward(in), seed, rule).of(in).dup('c').data().asFloat();
        }
    }

    @Test
    void manyBackwardPassesOverOneRecordingMatchFreshPasses() {
        Sequential s = net();
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 8, 8).subi(0.5f);
        try (Tape tape = new Tape()) {
            tape.watchAll();
            Tensor in = tape.input(x);
            Tensor out = s.forward(in);
            for (int k = 0; k < 3; k++) {
                INDArray seed = Nd4j.rand(DataType.FLOAT, out.shape()).subi(0.5f);
                for (ReluRule rule : ReluRule.values()) {
                    Gradients g = tape.backwardToLeaves(out, seed, rule);
                    INDArray grad = g.of(in);
                    assertArrayEquals(freshGradient(s, x, seed, rule), grad.dup('c').data().asFloat(), rule + ", seed " + k);
                    assertTrue(g.moduleNames().isEmpty(), "no copies at the watched modules' outputs");
                    g.release();
                    assertTrue(grad.wasClosed(), "released at once, not when the tape closes");
                }
            }
            Gradients withModules = tape.backward(out, Nd4j.ones(DataType.FLOAT, out.shape()), ReluRule.STANDARD);
            assertFalse(withModules.moduleNames().isEmpty(), "the plain backward pass still records the watched outputs");
            INDArray atFirst = withModules.atModule("0");
            withModules.release();
            assertTrue(atFirst.wasClosed());
            assertThrows(IllegalArgumentException.class, () -> withModules.atModule("0"), "a released pass has no gradients");
        }
    }
}
