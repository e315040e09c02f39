package io.pixelgrad.cli.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.engine.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.pixelgrad.cli.synthesis.SynthesisCommandsTest.ALEXNET;
import static io.pixelgrad.cli.synthesis.SynthesisCommandsTest.VGG;
import static io.pixelgrad.cli.synthesis.SynthesisCommandsTest.run;
import static io.pixelgrad.cli.synthesis.SynthesisCommandsTest.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * invert, attack, texture and style on the small vis fixture networks: outputs and their JSON, the attack's
 * constraints (within eps of the picture, in [0,1]), fooling pictures over 99%, determinism, and bad input (one line,
 * exit 2, nothing written).
 */
class InvertAttackStyleCommandsTest {

    /** alexnet/16 takes this photo for class 6 (its random weights favour class 0, which FGSM then moves it to). */
    static final Path CHELSEA = Path.of("../zoo-import/src/test/resources/images/chelsea.png");

    @TempDir
    static Path tmp;
    static Path photo, pattern;

    @BeforeAll
    static void pictures() throws Exception {
        photo = tmp.resolve("photo.png");
        pattern = tmp.resolve("pattern.png");
        BufferedImage a = new BufferedImage(72, 64, BufferedImage.TYPE_INT_RGB), b = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 72; x++) a.setRGB(x, y, (x * 3) << 16 | (y * 4) << 8 | ((x * y) % 256));
        for (int y = 0; y < 40; y++) for (int x = 0; x < 48; x++) b.setRGB(x, y, ((x / 4 + y / 4) % 2 == 0 ? 0xd04020 : 0x2040c0));
        ImageIO.write(a, "png", photo.toFile());
        ImageIO.write(b, "png", pattern.toFile());
    }

    static JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    static String[] args(String command, Path weights, String model, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of(command, "-m", model, "-w", weights.toString(), "-o", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ------------------------------------------------------------------------------------------ invert

    @Test
    void invertOneLayerWritesReconstructionErrorAndTrajectory() throws Exception {
        Path out = tmp.resolve("invert");
        SynthesisCommandsTest.Run r = run(args("invert", ALEXNET, "alexnet/16", out, "--image", photo.toString(), "--layer", "relu2_1",
                "--size", "64", "--steps", "5"));
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new long[]{3, 64, 64}, Npy.read(out.resolve("invert.npy")).shape());
        for (double v : values(out.resolve("invert.npy"))) assertTrue(v >= 0 && v <= 1);
        assertNotNull(ImageIO.read(out.resolve("invert_strip.png").toFile()));
        JsonNode j = json(out.resolve("invert.json"));
        assertEquals(5, j.get("trajectory").size());
        assertEquals("features.4", j.get("layers").get(0).get("layer").asText());
        assertEquals("relu2_1", j.get("layers").get(0).get("name").asText());
        double error = j.get("layers").get(0).get("error").asDouble();
        assertTrue(error > 0 && error < 1, "a normalized error: " + error);
        assertEquals(1e-7, j.get("alpha_weight").asDouble());
        assertTrue(j.get("trajectory").get(4).asDouble() > j.get("trajectory").get(0).asDouble(), "the loss falls");
    }

    @Test
    void invertAllLayersIsAStripAndTheSameSeedRepeatsBitwise() throws Exception {
        Path a = tmp.resolve("all-a"), b = tmp.resolve("all-b");
        String[] extra = {"--image", photo.toString(), "--layers", "all", "--size", "32", "--steps", "2", "--seed", "3"};
        assertEquals(0, run(args("invert", VGG, "vgg16/16", a, extra)).code());
        assertEquals(0, run(args("invert", VGG, "vgg16/16", b, extra)).code());
        // VGG16: 13 ReLUs and 5 max-pools in features, 2 ReLUs in the classifier
        assertArrayEquals(new long[]{20, 3, 32, 32}, Npy.read(a.resolve("invert.npy")).shape());
        JsonNode j = json(a.resolve("invert.json"));
        assertEquals(20, j.get("layers").size());
        assertEquals(20, j.get("trajectory").size());
        assertArrayEquals(Files.readAllBytes(a.resolve("invert.npy")), Files.readAllBytes(b.resolve("invert.npy")));
        assertEquals(Files.readString(a.resolve("invert.json")), Files.readString(b.resolve("invert.json")));
    }

    // ------------------------------------------------------------------------------------------ attack

    @Test
    void fgsmStaysWithinEpsAndReportsTopFiveBeforeAndAfter() throws Exception {
        Path out = tmp.resolve("fgsm");
        SynthesisCommandsTest.Run r = run(args("attack", ALEXNET, "alexnet/16", out, "--image", CHELSEA.toString(), "--eps", "4/255"));
        assertEquals(0, r.code(), r.err());
        JsonNode j = json(out.resolve("attack.json"));
        assertEquals(4 / 255.0, j.get("eps").asDouble(), 1e-15);
        assertEquals(5, j.get("top5_before").size());
        assertEquals(j.get("top5_before").get(0).get("index").asInt(), j.get("label").asInt(), "the prediction is attacked");
        assertTrue(j.get("linf").asDouble() <= 4 / 255.0 + 1e-7);
        assertEquals(1, j.get("trajectory").size());
        assertTrue(j.get("success").asBoolean(), "class 6 becomes class 0");
        double[] adv = values(out.resolve("attack.npy"));
        assertEquals(3 * 224 * 224, adv.length);
        for (double v : adv) assertTrue(v >= 0 && v <= 1);
        for (String png : List.of("attack.png", "attack_perturbation.png", "attack_panel.png"))
            assertNotNull(ImageIO.read(out.resolve(png).toFile()), png);
    }

    @Test
    void targetedPgdAndSweep() throws Exception {
        Path out = tmp.resolve("pgd");
        SynthesisCommandsTest.Run r = run(args("attack", ALEXNET, "alexnet/16", out, "--image", photo.toString(), "--method", "pgd",
                "--target", "3", "--eps", "0.1", "--alpha", "0.02", "--steps", "6", "--seed", "5"));
        assertEquals(0, r.code(), r.err());
        JsonNode j = json(out.resolve("attack.json"));
        assertEquals(3, j.get("target").asInt());
        assertEquals(6, j.get("trajectory").size());
        assertTrue(j.get("random_start").asBoolean());
        assertTrue(j.get("linf").asDouble() <= 0.1 + 1e-7);
        assertTrue(j.get("trajectory").get(5).asDouble() > j.get("trajectory").get(0).asDouble(), "log p(target) grows");
        Path again = tmp.resolve("pgd-again"), other = tmp.resolve("pgd-other");
        String[] same = {"--image", photo.toString(), "--method", "pgd", "--target", "3", "--eps", "0.1", "--alpha", "0.02", "--steps", "6"};
        assertEquals(0, run(args("attack", ALEXNET, "alexnet/16", again, concat(same, "--seed", "5"))).code());
        assertEquals(0, run(args("attack", ALEXNET, "alexnet/16", other, concat(same, "--seed", "6"))).code());
        assertArrayEquals(Files.readAllBytes(out.resolve("attack.npy")), Files.readAllBytes(again.resolve("attack.npy")), "same seed, same picture");
        assertFalse(Arrays.equals(Files.readAllBytes(out.resolve("attack.npy")), Files.readAllBytes(other.resolve("attack.npy"))),
                "another seed, another random start");

        Path sweep = tmp.resolve("sweep");
        r = run(args("attack", ALEXNET, "alexnet/16", sweep, "--image", CHELSEA.toString(), "--sweep", "--sweep-grid", "0:0.01:0.0005"));
        assertEquals(0, r.code(), r.err());
        JsonNode s = json(sweep.resolve("attack.json"));
        JsonNode points = s.get("sweep");
        int label = s.get("label").asInt();
        for (int i = 0; i + 1 < points.size(); i++) {
            assertEquals(label, points.get(i).get("predicted").asInt(), "no flip before the last point");
            assertTrue(points.get(i + 1).get("eps").asDouble() > points.get(i).get("eps").asDouble());
        }
        JsonNode last = points.get(points.size() - 1);
        assertTrue(points.size() > 1, "eps 0 keeps the prediction");
        assertTrue(last.get("predicted").asInt() != label, "FGSM flips this prediction by eps 0.01: " + points);
        assertEquals(last.get("eps").asDouble(), s.get("flip_eps").asDouble());
        assertEquals(s.get("flip_eps").asDouble(), s.get("eps").asDouble(), "the outputs are the attack at the flip");
    }

    @Test
    void foolingPictureIsOverNinetyNinePercent() throws Exception {
        Path out = tmp.resolve("fool");
        SynthesisCommandsTest.Run r = run(args("attack", VGG, "vgg16/16", out, "--method", "fool", "--target", "7", "--size", "64"));
        assertEquals(0, r.code(), r.err());
        JsonNode j = json(out.resolve("attack.json"));
        assertTrue(j.get("confidence").asDouble() > 0.99, "confidence " + j.get("confidence"));
        assertEquals(7, j.get("top5_after").get(0).get("index").asInt());
        assertArrayEquals(new long[]{3, 64, 64}, Npy.read(out.resolve("attack.npy")).shape());
    }

    // ------------------------------------------------------------------------------------------ texture and style

    @Test
    void textureAndStyleWriteLossPerStepAndTheirGramLayers() throws Exception {
        Path out = tmp.resolve("texture");
        SynthesisCommandsTest.Run r = run(args("texture", VGG, "vgg16/16", out, "--style", pattern.toString(), "--size", "32",
                "--steps", "2", "--max-iter", "3"));
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new long[]{3, 32, 32}, Npy.read(out.resolve("texture.npy")).shape());
        JsonNode j = json(out.resolve("texture.json"));
        List<String> names = new ArrayList<>();
        j.get("style_layers").forEach(l -> names.add(l.get("name").asText()));
        assertEquals(List.of("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"), names);
        assertEquals("features.25", j.get("style_layers").get(4).get("module").asText());
        assertEquals(2, j.get("loss").size());
        assertEquals(-j.get("loss").get(1).asDouble(), j.get("trajectory").get(1).asDouble());
        assertTrue(j.get("final_loss").asDouble() < j.get("loss").get(0).asDouble(), "L-BFGS lowers the loss");
        assertEquals(6, j.get("evaluations").asInt());

        Path style = tmp.resolve("style");
        r = run(args("style", VGG, "vgg16/16", style, "--content", photo.toString(), "--style", pattern.toString(), "--size", "40",
                "--steps", "1", "--max-iter", "2", "--style-layers", "relu1_1:0.5,features.6", "--dtype", "float64"));
        assertEquals(0, r.code(), r.err());
        // the content's shorter side becomes --size: 72x64 -> 45x40
        assertArrayEquals(new long[]{3, 40, 45}, Npy.read(style.resolve("style.npy")).shape());
        assertEquals(DataType.DOUBLE, Npy.read(style.resolve("style.npy")).dataType());
        JsonNode s = json(style.resolve("style.json"));
        assertEquals("relu4_2", s.get("content_layer").asText());
        assertEquals(0.5, s.get("style_layers").get(0).get("weight").asDouble());
        assertEquals("features.6", s.get("style_layers").get(1).get("module").asText());
    }

    // ------------------------------------------------------------------------------------------ bad input

    @Test
    void badInputIsOneLineExitTwoAndNothingWritten() throws Exception {
        Path notImage = tmp.resolve("not_an_image.png");
        Files.writeString(notImage, "hello");
        Path small = tmp.resolve("small_init.npy");
        Npy.write(Nd4j.zeros(DataType.FLOAT, 1, 3, 8, 8), small);
        String img = photo.toString(), pat = pattern.toString();
        Object[][] cases = {
            {new String[]{"attack", "--image", img, "--eps", "1.5"}, "--eps must be in [0,1]"},
            {new String[]{"attack", "--image", img, "--eps", "-0.01"}, "--eps must be in [0,1]"},
            {new String[]{"attack", "--image", img, "--eps", "eight"}, "a number or a fraction"},
            {new String[]{"attack", "--image", img, "--target", "12"}, "out of range"},
            {new String[]{"attack", "--image", img, "--target", "tabby"}, "names are ImageNet's"},
            {new String[]{"attack", "--image", img, "--method", "cw"}, "fgsm, pgd or fool"},
            {new String[]{"attack", "--method", "fool"}, "needs --target"},
            {new String[]{"attack", "--image", img, "--method", "pgd", "--init", small.toString()}, "[1, 3, 224, 224]"},
            {new String[]{"attack", "--image", notImage.toString()}, "--image"},
            {new String[]{"texture", "--style", notImage.toString(), "--size", "32"}, "--style " + notImage},
            {new String[]{"texture", "--style", pat, "--style-layers", "relu9_1", "--size", "32"}, "no layer 'relu9_1'"},
            {new String[]{"style", "--content", img, "--style", pat, "--content-layer", "conv7_3", "--size", "32"}, "no layer 'conv7_3'"},
            {new String[]{"style", "--content", img, "--style", notImage.toString(), "--size", "32"}, "--style"},
            {new String[]{"texture", "--style", pat, "--size", "8"}, "at least 16 pixels"},
            {new String[]{"invert", "--image", img, "--layer", "features.99", "--size", "32"}, "no layer 'features.99'"},
            {new String[]{"invert", "--image", img, "--size", "32"}, "--layer NAME or --layers"},
            {new String[]{"invert", "--image", img, "--size", "32", "--layer", "relu1_1", "--layers", "all"}, "--layer NAME or --layers"},
            {new String[]{"invert", "--image", img, "--size", "32", "--layer", "relu1_1", "--init", small.toString()}, "[1, 3, 32, 32]"},
            {new String[]{"texture", "--style", pat, "--size", "32", "--init", small.toString()}, "[1, 3, 32, 32]"},
            {new String[]{"attack", "--image", img, "--init", small.toString()}, "FGSM starts at the picture"},
        };
        for (int i = 0; i < cases.length; i++) {
            String[] c = (String[]) cases[i][0];
            Path out = tmp.resolve("bad" + i);
            List<String> a = new ArrayList<>(List.of(c[0], "-m", "vgg16/16", "-w", VGG.toString(), "-o", out.toString()));
            a.addAll(Arrays.asList(c).subList(1, c.length));
            SynthesisCommandsTest.Run r = run(a.toArray(new String[0]));
            String what = String.join(" ", c);
            assertEquals(2, r.code(), what + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), what + ": " + r.err());
            assertTrue(r.err().contains((String) cases[i][1]), "expected '" + cases[i][1] + "' in: " + r.err());
            assertFalse(Files.exists(out), "nothing written for " + what);
        }
    }
}
