package io.pixelgrad.tests;

import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.zoo.images.ImageInput;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.DatasetKind;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.train.EpochStats;
import io.pixelgrad.zoo.train.Trainer;
import io.pixelgrad.zoo.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.junit.jupiter.api.Test;
import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.GuidedBackprop;
import io.pixelgrad.vis.Target;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library examples of README.md, line for line, on the small test network and a slice of Fashion-MNIST. */
class ReadmeExampleTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void theReadmeLibraryExampleRuns() throws Exception {
        // README: ModelLoader.load("vgg16", Path.of("vgg16.pth")) — here the shipped narrow VGG16 and "auto".
        Classifier model = ModelLoader.load("auto", ROOT.resolve("zoo-import/src/test/resources/models/vgg16_16.safetensors"));
        INDArray image = ImageInput.load(ROOT.resolve("zoo-import/src/test/resources/images/chelsea.png"),
                Preprocessing.standard(Normalization.TORCHVISION));                  // [1,3,224,224]
        INDArray guided;
        try (Tape tape = new Tape()) {
            Tensor x = tape.input(image);
            Tensor logits = model.forward(x);
            INDArray seed = Nd4j.zeros(logits.dataType(), logits.shape());
            seed.putScalar(0, 7, 1.0);                                            // README: class 281; this net has 10
            Gradients g = tape.backward(logits, seed, ReluRule.GUIDED);
            guided = g.of(x).dup();
        }
        assertArrayEquals(new long[]{1, 3, 224, 224}, guided.shape());
        assertFalse(guided.wasClosed(), "dup() keeps the result after the tape closes");
        assertTrue(guided.amaxNumber().doubleValue() > 0, "a guided map of a real photo is not all zeros");
    }

    @Test
    void theReadmeFloat64ExampleRuns() throws Exception {
        // README: ModelLoader.load("vgg16", Path.of("vgg16.pth"), DataType.DOUBLE), image.castTo(DataType.DOUBLE)
        Classifier model = ModelLoader.load("auto", ROOT.resolve("zoo-import/src/test/resources/models/vgg16_16.safetensors"),
                DataType.DOUBLE);
        INDArray image = ImageInput.load(ROOT.resolve("zoo-import/src/test/resources/images/chelsea.png"),
                Preprocessing.standard(Normalization.TORCHVISION));
        Attribution a = new GuidedBackprop(model).attribute(image.castTo(DataType.DOUBLE), Target.topClass());
        assertEquals(DataType.DOUBLE, a.dataType());
        assertEquals(DataType.DOUBLE, a.rawArray().dataType());
        // the float32 input widened exactly gives the same map as float32 up to float32 rounding
        Classifier model32 = ModelLoader.load("auto", ROOT.resolve("zoo-import/src/test/resources/models/vgg16_16.safetensors"));
        Attribution a32 = new GuidedBackprop(model32).attribute(image, Target.classIndex(a.targetClass()));
        double diff = 0, scale = 0;
        for (int i = 0; i < a.raw().length; i++) {
            diff = Math.max(diff, Math.abs(a.raw()[i] - a32.raw()[i]));
            scale = Math.max(scale, Math.abs(a.raw()[i]));
        }
        assertTrue(diff <= 1e-4 * scale, "float32 and float64 maps differ by " + diff / scale);
    }

    @Test
    void theReadmeTrainingExampleRuns() throws Exception {
        DatasetKind kind = DatasetKind.FASHION_MNIST;
        Path dir = TestData.fashionMnist();
        // README: the whole data set and 15 epochs; here 256 images and 1 epoch.
        Dataset train = kind.load(dir, true, 1, 28, System.err::println).first(256), test = kind.load(dir, false, 1, 28, System.err::println).first(128);
        Classifier model = Architectures.create("smallvgg", 10, 1);
        Trainer.initialize(model, 1);                                                   // seeded He-normal weights
        TrainingOptions options = new TrainingOptions("smallvgg", 1, 64, "adam", 1e-3, 0, 0, "cosine", kind.augmentation(),
                1, DataType.FLOAT);
        try (Trainer trainer = new Trainer(model, train, test, kind.normalization(), options)) {
            EpochStats s = trainer.epoch(0, (step, steps, loss, accuracy) -> { });
            assertTrue(s.trainLoss() > 0 && s.testAccuracy() > 0.1, s.toString());
        }
    }
}
