package io.pixelgrad.cli;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.vis.GradCam;
import io.pixelgrad.vis.GuidedBackprop;
import io.pixelgrad.vis.Occlusion;
import io.pixelgrad.vis.Saliency;
import io.pixelgrad.vis.Target;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.weights.WeightsFormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.pixelgrad.cli.PixelgradCliTest.ALEXNET16;
import static io.pixelgrad.cli.PixelgradCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input through the library: a documented exception type (IllegalArgumentException for a wrong shape, class or
 * layer; IllegalStateException for a closed tape; WeightsFormatException for weights that do not fit the model) whose
 * message is one line, the very line the command line prints after "pixelgrad COMMAND: ", never an exception from
 * ND4J's insides.
 */
class LibraryErrorsTest {

    static Classifier alexnet;
    static INDArray photo;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws Exception {
        alexnet = ModelLoader.load("auto", ALEXNET16);
        photo = Npy.read(PixelgradCliTest.PHOTO_NPY).reshape(1, 3, 224, 224);
    }

    /** The exception's message, checked to be one line and free of ND4J's wording. */
    static <T extends Throwable> String oneLine(Class<T> type, Executable call) {
        T e = assertThrows(type, call);
        String m = e.getMessage();
        assertTrue(m != null && !m.isBlank() && !m.contains("\n"), "one line: " + m);
        assertFalse(m.contains("ND4J") || m.contains("Op [") || m.contains("libnd4j"), "not ND4J's message: " + m);
        return m;
    }

    /** Writes an array the command line can read with --image. */
    static Path npy(String name, INDArray a) throws Exception {
        Path p = dir.resolve(name + ".npy");
        Npy.write(a, p);
        return p;
    }

    /** The command's error line, after checking exit code 1 and that --out stays unwritten. */
    static String cliMessage(String command, String... args) {
        Path out = dir.resolve("out-" + System.nanoTime());
        String[] all = new String[args.length + 3];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--out";
        all[args.length + 2] = out.toString();
        PixelgradCliTest.Run r = run(all);
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.errLines().length, r.err());
        assertFalse(Files.exists(out), "nothing written");
        String prefix = "pixelgrad " + command + ": ";
        assertTrue(r.err().startsWith(prefix), r.err());
        return r.err().substring(prefix.length()).strip();
    }

    @Test
    void anImageWithTheWrongNumberOfChannels() throws Exception {
        INDArray grey = photo.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)).dup();
        String library = oneLine(IllegalArgumentException.class, () -> new Saliency(alexnet).attribute(grey, Target.topClass()));
        assertTrue(library.contains("[N, 3, H, W]"), library);
        assertEquals(library, cliMessage("saliency", "--model", "auto", "--weights", ALEXNET16.toString(),
                "--image", npy("grey", grey.reshape(1, 224, 224)).toString()));
    }

    @Test
    void anImageTooSmallForTheNetwork() throws Exception {
        INDArray tiny = Nd4j.rand(DataType.FLOAT, 1, 3, 20, 20);
        String library = oneLine(IllegalArgumentException.class, () -> new GuidedBackprop(alexnet).attribute(tiny, Target.topClass()));
        assertEquals(library, cliMessage("guided", "--model", "auto", "--weights", ALEXNET16.toString(),
                "--image", npy("tiny", tiny.reshape(3, 20, 20)).toString()));
    }

    @Test
    void notOneImage() {
        // A method explains one image, given as [1, C, H, W] or [C, H, W]; anything else is refused in one line.
        String batch = oneLine(IllegalArgumentException.class,
                () -> new Saliency(alexnet).attribute(Nd4j.concat(0, photo, photo), Target.topClass()));
        assertEquals("expected one image [1,C,H,W] or [C,H,W], got [2, 3, 224, 224]", batch);
        oneLine(IllegalArgumentException.class, () -> new Saliency(alexnet).attribute(Nd4j.rand(DataType.FLOAT, 224, 224), Target.topClass()));
        oneLine(IllegalArgumentException.class, () -> {
            try (Tape tape = new Tape()) {
                alexnet.forward(tape.input(Nd4j.rand(DataType.FLOAT, 1, 3, 224)));
            }
        });
    }

    @Test
    void anInputOfAnotherDataTypeIsConvertedToTheModels() {
        // Documented convenience rather than an error: float32 values are exact in float64, so the maps are equal.
        io.pixelgrad.vis.Attribution asFloat = new Saliency(alexnet).attribute(photo, Target.topClass());
        io.pixelgrad.vis.Attribution fromDouble = new Saliency(alexnet).attribute(photo.castTo(DataType.DOUBLE), Target.topClass());
        assertEquals(DataType.FLOAT, fromDouble.dataType());
        org.junit.jupiter.api.Assertions.assertArrayEquals(asFloat.raw(), fromDouble.raw());
    }

    @Test
    void aClassOrLayerTheNetworkDoesNotHave() throws Exception {
        String library = oneLine(IllegalArgumentException.class, () -> new Saliency(alexnet).attribute(photo, Target.classIndex(10)));
        assertEquals(library, cliMessage("saliency", "--model", "auto", "--weights", ALEXNET16.toString(),
                "--image", PixelgradCliTest.PHOTO.toString(), "--class", "10"));
        String layer = oneLine(IllegalArgumentException.class, () -> new GradCam(alexnet, "features.99"));
        assertEquals(layer, cliMessage("gradcam", "--model", "auto", "--weights", ALEXNET16.toString(),
                "--image", PixelgradCliTest.PHOTO.toString(), "--layer", "features.99"));
        oneLine(IllegalArgumentException.class, () -> new Occlusion(alexnet, 300, 8, 0).attribute(photo, Target.topClass()));
    }

    @Test
    void weightsThatDoNotFitTheModel() throws Exception {
        String library = oneLine(WeightsFormatException.class, () -> ModelLoader.load("vgg16", ALEXNET16));
        assertEquals(library, cliMessage("saliency", "--model", "vgg16", "--weights", ALEXNET16.toString(),
                "--image", PixelgradCliTest.PHOTO.toString()));
        oneLine(IllegalArgumentException.class, () -> ModelLoader.load("resnet50", ALEXNET16));
    }

    @Test
    void aClosedTape() {
        Tape tape = new Tape();
        Tensor x = tape.input(photo);
        Tensor logits = alexnet.forward(x);
        tape.close();
        String closed = oneLine(IllegalStateException.class, () -> tape.input(photo));
        assertEquals(closed, oneLine(IllegalStateException.class, () -> alexnet.forward(x)));
        oneLine(IllegalStateException.class, () -> tape.backward(logits, Nd4j.onesLike(logits.value()), io.pixelgrad.autograd.ReluRule.STANDARD));
        oneLine(IllegalStateException.class, logits::value);
    }
}
