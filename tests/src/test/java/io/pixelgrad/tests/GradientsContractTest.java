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
     * Gradients.of documents "zeros if no gradient reached it", also for a trainable parameter that the pass never
     * used (e.g. the classifier's weights when only model.features() ran), which belongs to no tape.
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

    /**
     * Several modules can share one output tensor (a Sequential and its last layer; Dropout, the identity at
     * inference, and the layer before it): the gradient arriving there is recorded under every watched name.
     */
    @Test
    void modulesSharingAnOutputEachGetTheGradient() {
        io.pixelgrad.zoo.models.Classifier model = io.pixelgrad.zoo.models.Architectures.create("alexnet", 10, 16);
        io.pixelgrad.autograd.nn.Init.randomize(model, 3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 95, 95);
        try (Tape tape = new Tape().watch("features", "features.12", "classifier.2", "classifier.3")) {
            Tensor logits = model.forward(tape.input(x));
            Gradients g = tape.backward(logits, ReluRule.STANDARD);
            assertEquals(g.atModule("features"), g.atModule("features.12"));
            assertEquals(g.atModule("classifier.2"), g.atModule("classifier.3"));
        }
    }
}
