package io.pixelgrad.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.engine.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.pixelgrad.cli.PixelgradCliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command on the built-in models without --weights or --image: 28x28 grey input (no 224 upsampling), the
 * model's own class names, and pictures enlarged for display only.
 */
class BuiltinModelCommandsTest {

    @TempDir
    Path tmp;

    @Test
    void explainWithoutArgumentsUsesTheFashionModelAndItsFirstSample() throws Exception {
        Path out = tmp.resolve("out");
        PixelgradCliTest.Run r = run("explain", "--out", out.toString(), "--samples", "4", "--steps", "4");
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(out.resolve("explain.html"));
        assertTrue(html.contains("Ankle boot"), "the sample is an ankle boot and the model knows it");
        for (String m : List.of("saliency", "guided", "deconv", "gradcam", "guided-gradcam", "occlusion", "smoothgrad", "ig")) {
            JsonNode json = new ObjectMapper().readTree(out.resolve(m + ".json").toFile());
            assertEquals("builtin:fashion-mnist", json.get("weights").asText(), m);
            assertEquals("sample:fashion-mnist/ankle-boot", json.get("image").asText(), m);
            assertEquals("Ankle boot", json.get("class").get("name").asText(), m);
            assertArrayEquals(new long[]{1, 1, 28, 28}, longs(json.get("input_shape")), m);
            INDArray raw = Npy.read(out.resolve(m + ".npy"));
            long[] expected = m.equals("occlusion") ? new long[]{12, 12} : m.contains("gradcam") && !m.startsWith("guided")
                    ? new long[]{28, 28} : new long[]{1, 28, 28};
            assertArrayEquals(expected, raw.shape(), m + ": maps at the network's 28x28");
            BufferedImage png = ImageIO.read(out.resolve(m + ".png").toFile());
            assertEquals(224 + 8, png.getHeight(), m + ": enlarged 8x for display");
        }
    }

    private static long[] longs(JsonNode n) {
        long[] v = new long[n.size()];
        for (int i = 0; i < v.length; i++) v[i] = n.get(i).asLong();
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"saliency", "guided", "deconv", "gradcam", "guided-gradcam", "occlusion", "smoothgrad", "ig"})
    void everyMethodRunsOnTheMnistModel(String method) {
        PixelgradCliTest.Run r = run(method, "--builtin", "mnist", "--sample", "digit-3", "--out", tmp.resolve(method).toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(tmp.resolve(method).resolve(method + ".png")));
    }

    @Test
    void classifyFiltersActivationsTraceAndLayers() throws Exception {
        PixelgradCliTest.Run c = run("classify", "--sample", "trouser", "--json");
        assertEquals(0, c.code(), c.err());
        JsonNode top = new ObjectMapper().readTree(c.out()).get("predictions").get(0).get(0);
        assertEquals("Trouser", top.get("name").asText());
        assertTrue(top.get("probability").asDouble() > 0.5, c.out());
        PixelgradCliTest.Run byName = run("classify", "--sample", "bag", "--class", "sneaker");
        assertEquals(0, byName.code(), byName.err());
        assertTrue(byName.out().contains("Sneaker"), byName.out());
        PixelgradCliTest.Run f = run("filters", "--out", tmp.resolve("f").toString());
        assertEquals(0, f.code(), f.err());
        assertTrue(f.out().startsWith("features.0: 32 filters 1x3x3"), f.out());
        PixelgradCliTest.Run a = run("activations", "--out", tmp.resolve("a").toString());
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().startsWith("features.8: 64 channels 14x14"), a.out());
        PixelgradCliTest.Run t = run("trace", "--builtin", "mnist");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("class 7 (7)"), t.out());
        PixelgradCliTest.Run l = run("layers", "--model", "smallvgg");
        assertEquals(0, l.code(), l.err());
        assertTrue(l.out().startsWith("smallvgg, input 1x1x28x28"), l.out());
        assertTrue(l.out().contains("total parameters: 467,818"), l.out());
        PixelgradCliTest.Run i = run("inspect");
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().startsWith("builtin:fashion-mnist: safetensors"), i.out());
    }

    @Test
    void unknownSamplesAndModelsAreOneLine() {
        PixelgradCliTest.Run r = run("classify", "--sample", "hat");
        assertEquals(Pixelgrad.BAD_INPUT, r.code());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().startsWith("pixelgrad classify: --sample: no sample 'hat' for the fashion-mnist model; samples: ankle-boot,"), r.err());
        r = run("classify", "--builtin", "imagenet");
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().startsWith("pixelgrad classify: --builtin: no built-in model 'imagenet'; built in: fashion-mnist, mnist"), r.err());
        r = run("classify", "--weights", PixelgradCliTest.ALEXNET16.toString());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().contains("--image is required: these weights come with no sample images"), r.err());
        assertFalse(r.err().contains("Exception"));
    }

    @Test
    void aPhotoGivenToTheBuiltinModelGetsANote() throws Exception {
        Path photo = Path.of("../zoo-import/src/test/resources/images/chelsea.png");
        PixelgradCliTest.Run r = run("classify", "--image", photo.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("note: the model was trained on fashion-mnist (28x28 grey pictures); chelsea.png is resized and made grey"
                + " to fit. For photos, load ImageNet AlexNet or VGG weights with --weights.", r.err().strip());
        // a picture of the model's own kind gets none
        BufferedImage grey = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        Path small = tmp.resolve("boot.png");
        ImageIO.write(grey, "png", small.toFile());
        PixelgradCliTest.Run quiet = run("classify", "--image", small.toString());
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.err());
    }

    @Test
    void aNamedArchitectureWithoutWeightsIsACommandLineMistake() {
        Path out = tmp.resolve("never");
        PixelgradCliTest.Run r = run("maximize", "--model", "alexnet", "--objective", "features.10:3", "--out", out.toString());
        assertEquals(Pixelgrad.USAGE, r.code(), r.err());
        assertEquals(1, r.errLines().length, r.err());
        assertEquals("pixelgrad maximize: --model alexnet needs its weights: give --weights FILE (without --weights the built-in"
                + " fashion-mnist model, a smallvgg, is used) (see 'pixelgrad maximize --help')", r.err().strip());
        assertFalse(Files.exists(out));
        PixelgradCliTest.Run evaluate = run("evaluate", "--dataset", "fashion-mnist", "--data", "/nonexistent", "--model", "vgg16");
        assertEquals(Pixelgrad.USAGE, evaluate.code(), evaluate.err());
        assertTrue(evaluate.err().startsWith("pixelgrad evaluate: --model vgg16 needs its weights: give --weights FILE"), evaluate.err());
        // the built-in model's own architecture is no mistake
        PixelgradCliTest.Run same = run("classify", "--model", "smallvgg", "--sample", "trouser");
        assertEquals(0, same.code(), same.err());
    }
}
