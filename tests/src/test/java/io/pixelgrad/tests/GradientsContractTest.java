package io.pixelgrad.tests;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What {@link Gradients} promises to callers beyond the numbers (which the reference tests check). */
class GradientsContractTest {

    /**
     * Gradients.of documents "zeros if no gradient reached it". For a trainable parameter that the pass never used
     * (e.g. the classifier's weights when only model.features() ran) it throws a NullPointerException instead:
     * Gradients.of owns the zero array through leaf.tape(), and parameters belong to no tape. Fix: give Gradients the
     * tape that made it and own the zeros there.
     */
    @Test
    void aTrainableParameterThePassDidNotUseGetsZeros() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3), w = Nd4j.rand(DataType.FLOAT, 4, 3), unused = Nd4j.rand(DataType.FLOAT, 5);
        Tensor weight = Tensor.parameter(w, true, "weight"), other = Tensor.parameter(unused, true, "other");
        try (Tape tape = new Tape()) {
            Tensor y = F.linear(tape.input(x), weight, null);
            Gradients g = tape.backward(y, ReluRule.STANDARD);
            INDArray zero = g.of(other);
            assertArrayEquals(unused.shape(), zero.shape());
            assertEquals(0.0, zero.amaxNumber().doubleValue());
        }
    }
}
