package io.pixelgrad.cli.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.cli.Pixelgrad;
import io.pixelgrad.engine.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The explanation commands run in-process on vis's PyTorch fixtures (AlexNet/16, 10 classes, weights.pth and its
 * exact input x.npy): the .npy files must match PyTorch's outputs, PNGs decode, the JSON describes the run; bad input
 * gives one line, exit code 1 and no files.
 */
class ExplainCommandsTest {

    static final Path REF = Path.of(System.getProperty("pixelgrad.visFixtures", "../vis/src/test/resources/vis-reference/alexnet_16"));
    static final Path WEIGHTS = REF.resolve("weights.pth");
    static final Path X = REF.resolve("x.npy");
    static final Path PHOTO = Path.of("../zoo-import/src/test/resources/images/chelsea.png");

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Pixelgrad.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static String[] args(Path out, String command, String... extra) {
        List<String> a = new ArrayList<>(List.of(command, "-m", "alexnet/16", "-w", WEIGHTS.toString(), "-i", X.toString(), "-o", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    static double relativeError(INDArray actual, INDArray expected) {
        assertArrayEquals(expected.shape(), actual.shape());
        double diff = 0, scale = 0;
        for (long i = 0; i < expected.length(); i++) {
            diff = Math.max(diff, Math.abs(actual.getDouble(i) - expected.getDouble(i)));
            scale = Math.max(scale, Math.abs(expected.getDouble(i)));
        }
        return diff / scale;
    }

    static BufferedImage png(Path file) throws Exception {
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " is not a PNG");
        return img;
    }

    @ParameterizedTest
    @ValueSource(strings = {"saliency:grad_standard", "guided:grad_guided", "deconv:grad_deconvnet", "gradcam:gradcam_features.11",
            "guided-gradcam:guided_gradcam", "ig:ig"})
    void rawOutputsMatchPyTorch(String pair) throws Exception {
        String method = pair.split(":")[0], reference = pair.split(":")[1];
        Path out = tmp.resolve("out");
        Run r = run(args(out, method, method.equals("ig") ? new String[]{"--steps", "8"} : new String[0]));
        assertEquals(0, r.code(), r.err());
        INDArray raw = Npy.read(out.resolve(method + ".npy"));
        assertTrue(relativeError(raw.reshape(raw.shape()), Npy.read(REF.resolve(reference + ".npy"))) < 1e-5, method);
        BufferedImage img = png(out.resolve(method + ".png"));
        int panels = raw.rank() == 3 ? 3 : 2;
        assertEquals(panels * 63 + (panels + 1) * 4, img.getWidth());
        assertEquals(63 + 8, img.getHeight());
        JsonNode json = new ObjectMapper().readTree(out.resolve(method + ".json").toFile());
        assertEquals(method, json.get("method").asText());
        assertEquals("alexnet/16", json.get("model").asText());
        assertEquals(sha256(WEIGHTS), json.get("weights_sha256").asText());
        assertEquals(0, json.get("class").get("index").asInt());
        assertEquals("class 0", json.get("class").get("name").asText());
        assertTrue(json.has("pixelgrad_version") && json.has("parameters"));
        if (method.equals("gradcam")) {
            assertEquals("features.11", json.get("layer").asText());
            assertTrue(relativeError(Npy.read(out.resolve("gradcam_lowres.npy")), Npy.read(REF.resolve("gradcam_features.11_lowres.npy"))) < 1e-5);
        }
    }

    @Test
    void occlusionGridMatchesPyTorch() throws Exception {
        Path out = tmp.resolve("out");
        Run r = run(args(out, "occlusion", "--patch", "15", "--stride", "8", "--batch", "7"));
        assertEquals(0, r.code(), r.err());
        assertTrue(relativeError(Npy.read(out.resolve("occlusion.npy")), Npy.read(REF.resolve("occlusion.npy"))) < 1e-4);
        assertFalse(constant(png(out.resolve("occlusion.png"))));
    }

    @Test
    void featureProjectionFromALayerAndChannel() throws Exception {
        Path out = tmp.resolve("out");
        Run r = run(args(out, "deconv", "--layer", "features.7", "--channel", "5"));
        assertEquals(0, r.code(), r.err());
        assertTrue(relativeError(Npy.read(out.resolve("deconv.npy")), Npy.read(REF.resolve("proj_deconvnet_1.npy"))) < 1e-5);
        JsonNode json = new ObjectMapper().readTree(out.resolve("deconv.json").toFile());
        assertEquals(5, json.get("parameters").get("channel").asInt());
        assertFalse(json.has("class"));
    }

    @Test
    void explainWritesAnHtmlPageAndEveryMethodsFilesFromAPicture() throws Exception {
        Path out = tmp.resolve("report");
        Run r = run("explain", "-m", "alexnet/16", "-w", WEIGHTS.toString(), "-i", PHOTO.toString(), "-o", out.toString(),
                "--samples", "2", "--steps", "2", "--patch", "64", "--stride", "64", "--synthesis-steps", "3");
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(out.resolve("explain.html"));
        assertTrue(html.contains("<h3>class model</h3>") && html.contains("<h3>feature visualizations</h3>"), "synthesis section");
        assertFalse(constant(png(out.resolve("class_model.png"))), "the class model is a picture");
        assertEquals(4, (png(out.resolve("feature_visualizations.png")).getWidth() - 4) / (96 + 4), "four channels");
        for (String m : List.of("saliency", "guided", "deconv", "gradcam", "guided-gradcam", "occlusion", "smoothgrad", "ig")) {
            assertTrue(Files.exists(out.resolve(m + ".npy")) && Files.exists(out.resolve(m + ".json")), m);
            BufferedImage img = png(out.resolve(m + ".png"));
            assertEquals(224 + 8, img.getHeight(), m);
            assertFalse(constant(img), m);
            assertTrue(html.contains("<h3>" + m + "</h3>"), m);
        }
        assertEquals(11, count(html, "data:image/png;base64,"), "input, eight maps, class model and feature visualizations");
        assertEquals(5, count(html, "<tr><td>"), "top-5 rows");
    }

    @Test
    void filtersActivationsAndTrace() throws Exception {
        Path out = tmp.resolve("out");
        Run f = run("filters", "-m", "alexnet/16", "-w", WEIGHTS.toString(), "-o", out.toString());
        assertEquals(0, f.code(), f.err());
        assertArrayEquals(new long[]{4, 3, 11, 11}, Npy.read(out.resolve("filters.npy")).shape());
        assertFalse(constant(png(out.resolve("filters.png"))));
        Run a = run(args(out, "activations", "--layer", "features.4", "--dead-over", X.toString()));
        assertEquals(0, a.code(), a.err());
        assertArrayEquals(new long[]{12, 7, 7}, Npy.read(out.resolve("activations.npy")).shape());
        png(out.resolve("activations.png"));
        Run t = run(args(out, "trace"));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("features.0") && t.out().contains("input"), t.out());
        assertEquals(new ObjectMapper().readTree(out.resolve("trace.json").toFile()).get("rows").size(),
                Npy.read(out.resolve("trace.npy")).size(0));
    }

    @Test
    void camRefusesAlexNetWithOneLine() {
        Path out = tmp.resolve("out");
        Run r = run(args(out, "cam"));
        assertBadInput(r, out, "CAM needs a network ending in global average pooling");
    }

    @Test
    void badInputGivesOneLineExitOneAndWritesNothing() throws Exception {
        Path out = tmp.resolve("out");
        assertBadInput(run(args(out, "gradcam", "--layer", "features.99")), out, "no layer 'features.99'");
        assertBadInput(run(args(out, "saliency", "--class", "tabby cat")), out, "names are ImageNet's");
        assertBadInput(run(args(out, "saliency", "--class", "10")), out, "out of range");
        assertBadInput(run(args(out, "deconv", "--layer", "features.11", "--channel", "16")), out, "channel 16 out of range");
        assertBadInput(run(args(out, "occlusion", "--patch", "64")), out, "larger than the image");
        Path notImage = tmp.resolve("notes.png");
        Files.writeString(notImage, "this is not a picture");
        assertBadInput(run("saliency", "-m", "alexnet/16", "-w", WEIGHTS.toString(), "-i", notImage.toString(), "-o", out.toString()),
                out, notImage.getFileName().toString());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(notImage), left.toList(), "no staging directory or output left behind");
        }
    }

    static void assertBadInput(Run r, Path out, String expected) {
        assertEquals(1, r.code(), r.err());
        String[] lines = r.err().strip().split("\\R");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains(expected), lines[0]);
        assertFalse(Files.exists(out), "nothing may be written");
    }

    static boolean constant(BufferedImage img) {
        int first = img.getRGB(0, 0);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if (img.getRGB(x, y) != first) return false;
        return true;
    }

    static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) n++;
        return n;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
