package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Same seed, bitwise the same run (transforms, tiles and all); another seed, another run; divergence is caught. */
class SynthesisDeterminismTest {

    static final Path VIS = Path.of("src/test/resources/vis-reference");

    static double[] run(Classifier model, String transforms, long seed) {
        try (ImageParam p = ImageParam.fft(1, 3, 32, 32, true)) {
            RenderLoop.Result r = RenderLoop.of(model, InputSpace.imagenet(), p, ObjectiveParser.parse("features.8:3 - 0.01*tv(2)"))
                    .transforms(Transforms.parse(transforms)).steps(5).seed(seed).run();
            double[] v = Passes.values(r.picture());
            double[] all = java.util.Arrays.copyOf(v, v.length + r.trajectory().length);
            System.arraycopy(r.trajectory(), 0, all, v.length, r.trajectory().length);
            return all;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "pad(12),jitter(8)", "scale", "rotate", "standard"})
    void sameSeedSameBits(String transforms) throws Exception {
        Classifier model = ModelLoader.load("alexnet/16", VIS.resolve("alexnet_16/weights.pth"));
        double[] a = run(model, transforms, 3), b = run(model, transforms, 3);
        assertArrayEquals(a, b, transforms + ": two runs with one seed");
        if (!transforms.equals("none")) assertFalse(java.util.Arrays.equals(a, run(model, transforms, 4)), "another seed");
    }

    @Test
    void rotationGradientIsBitwiseRepeatable() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 152, 152);
        INDArray g = Nd4j.rand(DataType.FLOAT, 2, 3, 152, 152);
        double[] first = null;
        for (int i = 0; i < 20; i++) {
            try (Tape tape = new Tape()) {
                Tensor t = tape.input(x);
                Tensor y = Transforms.rotate(7).apply(t, 0.5, Draws.fixed(0));
                double[] grad = Passes.values(tape.backward(y, g, io.pixelgrad.autograd.ReluRule.STANDARD).of(t));
                if (first == null) first = grad;
                else assertArrayEquals(first, grad);
            }
        }
    }

    @Test
    void dreamWithTilesAndJitterIsRepeatable() throws Exception {
        Classifier model = ModelLoader.load("vgg16/16", VIS.resolve("vgg16_16/weights.pth"));
        INDArray photo = Nd4j.rand(DataType.FLOAT, 1, 3, 50, 45).subi(0.5);
        DeepDream.Settings s = new DeepDream.Settings(2, 1.4, 2, 0.05, 6, DreamStep.Normalization.MEAN, 24, 5);
        double[] a = Passes.values(DeepDream.run(model, InputSpace.imagenet(), photo, "features.15", s, (d, t) -> { }).picture());
        double[] b = Passes.values(DeepDream.run(model, InputSpace.imagenet(), photo, "features.15", s, (d, t) -> { }).picture());
        assertArrayEquals(a, b);
    }

    @Test
    void divergenceIsCaughtWithTheStepAndTheLastFinitePicture() throws Exception {
        Classifier model = ModelLoader.load("alexnet/16", VIS.resolve("alexnet_16/weights.pth"));
        try (ImageParam p = ImageParam.input(1, 3, 63, 63, InputSpace.imagenet())) {
            // an unregularized class score in input space with a huge step: the input overflows within a few steps
            DivergenceException e = assertThrows(DivergenceException.class, () -> RenderLoop.of(model, InputSpace.imagenet(), p,
                    Objective.classLogit(3)).optimizer(list -> io.pixelgrad.autograd.optim.Sgd.builder(list).lr(1e305).build())
                    .start(Nd4j.rand(DataType.FLOAT, 1, 3, 63, 63)).steps(50).run());
            assertTrue(e.getMessage().contains("diverged at step " + e.step()), e.getMessage());
            assertTrue(e.getMessage().contains("l2"), "suggests a regularizer: " + e.getMessage());
        }
    }
}
