package io.pixelgrad.zoo.load;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.weights.StateDict;
import io.pixelgrad.zoo.weights.WeightsFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Narrow AlexNet/VGG networks saved by PyTorch in every format (src/test/python/make_model_fixtures.py) load into
 * pixelgrad and give PyTorch's logits; "auto" recognizes each architecture; mismatches are one-line errors.
 */
class ModelLoaderTest {

    /** Relative error bound on logits: max |ours - torch| / max |torch|. */
    static final double RELATIVE = 1e-5;
    /** The same bound in float64 (measured: about 1e-15). */
    static final double RELATIVE_64 = 1e-12;

    static Path resource(String name) {
        try {
            return Path.of(ModelLoaderTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name + "; run make_model_fixtures.py", e);
        }
    }

    /** The model's logits for an input, detached from the tape. */
    static INDArray logits(Classifier c, INDArray x) {
        try (Tape tape = new Tape()) {
            return c.forward(tape.constant(x)).value().dup();
        }
    }

    static double relativeError(INDArray ours, INDArray torch) {
        assertArrayEquals(torch.shape(), ours.shape());
        INDArray t = torch.castTo(DataType.DOUBLE);
        return ours.castTo(DataType.DOUBLE).sub(t).amaxNumber().doubleValue() / t.amaxNumber().doubleValue();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({
        "alexnet16.pth, alexnet/16, alexnet16",
        "alexnet16_legacy.pth, alexnet/16, alexnet16",
        "alexnet16.safetensors, alexnet/16, alexnet16",
        "alexnet16.onnx, alexnet/16, alexnet16",
        "vgg11_bn16.pth, vgg11_bn/16, vgg11_bn16",
        "vgg11_bn16.onnx, vgg11_bn/16, vgg11_bn16",
        "vgg16_16.safetensors, vgg16/16, vgg16_16",
    })
    void logitsMatchPyTorch(String file, String name, String stem) throws Exception {
        Path weights = resource("models/" + file);
        for (String model : new String[]{"auto", name}) {
            Classifier c = ModelLoader.load(model, weights);
            assertEquals(10, c.numClasses());
            INDArray photo = Npy.read(resource("images/chelsea_torchvision.npy"));
            double e224 = relativeError(logits(c, photo), Npy.read(resource("models/" + stem + "_logits_224.npy")));
            assertTrue(e224 <= RELATIVE, file + " (" + model + ") 224x224: relative error " + e224);
            // A batch of two at 96x96: adaptive pooling upsamples, and samples must not mix.
            INDArray batch = Npy.read(resource("models/input_96x2.npy"));
            double e96 = relativeError(logits(c, batch), Npy.read(resource("models/" + stem + "_logits_96x2.npy")));
            assertTrue(e96 <= RELATIVE, file + " (" + model + ") 2x96x96: relative error " + e96);
        }
    }

    @ParameterizedTest(name = "{0} as {1} in float64")
    @CsvSource({
        "alexnet16.pth, alexnet/16, alexnet16",
        "alexnet16_legacy.pth, alexnet/16, alexnet16",
        "alexnet16.safetensors, alexnet/16, alexnet16",
        "alexnet16.onnx, alexnet/16, alexnet16",
        "vgg11_bn16.pth, vgg11_bn/16, vgg11_bn16",
        "vgg11_bn16.onnx, vgg11_bn/16, vgg11_bn16",
        "vgg16_16.safetensors, vgg16/16, vgg16_16",
    })
    void logitsMatchPyTorchInFloat64(String file, String name, String stem) throws Exception {
        Classifier c = ModelLoader.load(name, resource("models/" + file), DataType.DOUBLE);
        for (var p : c.parameters().values()) assertEquals(DataType.DOUBLE, p.value().dataType(), "parameters are float64");
        INDArray photo = Npy.read(resource("images/chelsea_torchvision.npy")).castTo(DataType.DOUBLE);
        INDArray l224 = logits(c, photo);
        assertEquals(DataType.DOUBLE, l224.dataType());
        double e224 = relativeError(l224, Npy.read(resource("models/" + stem + "_logits_224_f64.npy")));
        assertTrue(e224 <= RELATIVE_64, file + " 224x224 float64: relative error " + e224);
        INDArray batch = Npy.read(resource("models/input_96x2.npy")).castTo(DataType.DOUBLE);
        double e96 = relativeError(logits(c, batch), Npy.read(resource("models/" + stem + "_logits_96x2_f64.npy")));
        assertTrue(e96 <= RELATIVE_64, file + " 2x96x96 float64: relative error " + e96);
        System.out.printf("float64 logits of %s: relative error %.2e (224), %.2e (2x96)%n", file, e224, e96);
    }

    @Test
    void caffeAlexnetFromModelZooNamesMatchesPyTorch() throws Exception {
        Path weights = resource("models/caffe_alexnet16_zoo.onnx");
        Classifier c = ModelLoader.load("auto", weights);
        assertTrue(c.architecture().startsWith("caffe_alexnet"), c.architecture());
        double e = relativeError(logits(c, Npy.read(resource("models/input_227.npy"))),
                Npy.read(resource("models/caffe_alexnet16_logits_227.npy")));
        assertTrue(e <= RELATIVE, "relative error " + e);
        Classifier c64 = ModelLoader.load("auto", weights, DataType.DOUBLE);
        double e64 = relativeError(logits(c64, Npy.read(resource("models/input_227.npy")).castTo(DataType.DOUBLE)),
                Npy.read(resource("models/caffe_alexnet16_logits_227_f64.npy")));
        assertTrue(e64 <= RELATIVE_64, "float64 relative error " + e64);
    }

    @ParameterizedTest
    @CsvSource({
        "alexnet16.pth, alexnet/16 (10 classes)",
        "alexnet16.onnx, alexnet/16 (10 classes)",
        "vgg11_bn16.pth, vgg11_bn/16 (10 classes)",
        "vgg16_16.safetensors, vgg16/16 (10 classes)",
        "caffe_alexnet16_zoo.onnx, caffe_alexnet/16 (10 classes)",
    })
    void autoRecognizesArchitectureClassesAndWidth(String file, String label) throws Exception {
        try (StateDict sd = ModelLoader.read(resource("models/" + file))) {
            ArchitectureMatch m = ModelLoader.infer(sd);
            assertEquals(label, m.label());
            assertTrue(m.exact(), m.problems().toString());
        }
    }

    @Test
    void wrongArchitectureNamesTheFileKeyAndBothShapes() {
        // Full-size AlexNet against the /16 file: of its 16 tensors only classifier.6.bias (10 classes) fits.
        Path weights = resource("models/alexnet16.pth");
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> ModelLoader.load("alexnet", weights));
        assertEquals("weights " + weights + ": key features.0.weight has shape [4, 3, 11, 11], the model expects [64, 3, 11, 11]"
                + " (for alexnet (10 classes); and 14 more problems)", e.getMessage());
        e = assertThrows(WeightsFormatException.class, () -> ModelLoader.load("vgg16", weights));
        assertTrue(e.getMessage().startsWith("weights " + weights + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("(for vgg16 (10 classes); and "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void dataParallelPrefixIsRemoved() throws Exception {
        try (StateDict plain = ModelLoader.read(resource("models/alexnet16.pth"))) {
            java.util.Map<String, io.pixelgrad.zoo.weights.WeightTensor> prefixed = new java.util.LinkedHashMap<>();
            plain.tensors().forEach((k, t) -> prefixed.put("module." + k, t.withName("module." + k)));
            StateDict sd = ModelLoader.withoutDataParallelPrefix(new StateDict(plain.source(), prefixed));
            assertEquals(List.copyOf(plain.keys()), List.copyOf(sd.keys()));
            Classifier c = ModelLoader.load("auto", sd);
            double e = relativeError(logits(c, Npy.read(resource("images/chelsea_torchvision.npy"))),
                    Npy.read(resource("models/alexnet16_logits_224.npy")));
            assertTrue(e <= RELATIVE, "relative error " + e);
        }
    }

    @Test
    void unknownModelNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelLoader.load("resnet50", resource("models/alexnet16.pth")));
        assertTrue(e.getMessage().startsWith("unknown model 'resnet50'; known: auto, alexnet, caffe_alexnet, vgg11"), e.getMessage());
    }

    @Test
    void keysOfNoKnownArchitectureAreRefusedByAuto() throws Exception {
        Path tiny = resource("weights/tiny_zip.pth");
        try (StateDict sd = ModelLoader.read(tiny)) {
            ArchitectureMatch m = ModelLoader.infer(sd);
            assertNull(m.name());
            assertTrue(m.problems().get(0).startsWith("weights " + tiny + ": its keys match no known architecture"), m.problems().get(0));
        }
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> ModelLoader.load("auto", tiny));
        assertTrue(e.getMessage().contains("its keys match no known architecture"), e.getMessage());
    }

    /** Full-size files from make_model_fixtures.py --fullsize (git-ignored, about 1.8 GB); skipped when absent. */
    @ParameterizedTest(name = "full-size {0}")
    @CsvSource({"alexnet.pth", "alexnet_legacy.pth", "alexnet.safetensors", "alexnet.onnx",
        "vgg16.pth", "vgg16_legacy.pth", "vgg16.safetensors", "vgg16.onnx"})
    void fullSizeModelsMatchPyTorch(String file) throws Exception {
        Path dir = Path.of(System.getProperty("pixelgrad.fullsize", "../tests/fullsize"));
        Path weights = dir.resolve(file);
        assumeTrue(Files.exists(weights), "no " + weights + " (run make_model_fixtures.py --fullsize)");
        String stem = file.substring(0, file.indexOf(file.contains("_") ? '_' : '.'));
        Classifier c = ModelLoader.load("auto", weights);
        assertEquals(stem, c.architecture());
        double e = relativeError(logits(c, Npy.read(resource("images/chelsea_torchvision.npy"))),
                Npy.read(dir.resolve(stem + "_logits_224.npy")));
        assertTrue(e <= RELATIVE, file + ": relative error " + e);
        Path ref64 = dir.resolve(stem + "_logits_224_f64.npy");
        if (Files.exists(ref64)) {
            Classifier c64 = ModelLoader.load("auto", weights, DataType.DOUBLE);
            double e64 = relativeError(logits(c64, Npy.read(resource("images/chelsea_torchvision.npy")).castTo(DataType.DOUBLE)),
                    Npy.read(ref64));
            assertTrue(e64 <= RELATIVE_64, file + ": float64 relative error " + e64);
        }
    }
}
