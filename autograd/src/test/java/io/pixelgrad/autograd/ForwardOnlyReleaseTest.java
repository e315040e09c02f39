package io.pixelgrad.autograd;

import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A forward-only pass through a Sequential frees each activation as soon as the next layer has consumed it, so peak
 * memory is two activations, not all of them; passes that will go backwards, watched outputs and the caller's input
 * are kept.
 */
class ForwardOnlyReleaseTest {

    /** Passes its input through a ReLU and remembers the tensor it was given. */
    static final class Spy extends Module {
        Tensor seen;

        @Override
        protected Tensor compute(Tensor x) {
            seen = x;
            return F.relu(x);
        }
    }

    private static Sequential net(Spy spy) {
        Sequential s = new Sequential(new Conv2d(3, 4, 3, 1, 1), spy, new Conv2d(4, 2, 3, 1, 1), new ReLU());
        io.pixelgrad.autograd.nn.Init.randomize(s, 3);
        return s;
    }

    @Test
    void forwardOnlyActivationsAreFreedOnceConsumedWithTheSameResult() {
        Spy spy = new Spy();
        Sequential s = net(spy);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 9, 9);
        INDArray kept;
        try (Tape tape = new Tape()) {
            INDArray y = s.forward(tape.constant(x)).value().dup('c');
            assertTrue(spy.seen.value().wasClosed(), "the first conv's output was freed once the spy's ReLU had read it");
            assertFalse(x.wasClosed(), "the caller's input stays");
            kept = y;
        }
        try (Tape tape = new Tape()) {
            tape.watch("0");
            INDArray y = s.forward(tape.constant(x)).value();
            assertFalse(spy.seen.value().wasClosed(), "a watched output stays");
            assertArrayEquals(kept.data().asFloat(), y.dup('c').data().asFloat(), "the same result either way");
        }
        try (Tape tape = new Tape()) {
            Tensor in = tape.input(x);
            Tensor y = s.forward(in);
            assertFalse(spy.seen.value().wasClosed(), "a pass that will go backwards keeps its activations");
            tape.backward(y, ReluRule.STANDARD).of(in);
        }
    }
}
