package io.pixelgrad.cli.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.cli.Pixelgrad;
import io.pixelgrad.engine.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** maximize and dream on the small vis fixture networks: outputs, determinism, bad input (one line, exit 2, nothing written). */
class SynthesisCommandsTest {

    static final Path VIS = Path.of("../vis/src/test/resources/vis-reference");
    static final Path ALEXNET = VIS.resolve("alexnet_16/weights.pth");
    static final Path VGG = VIS.resolve("vgg16_16/weights.pth");

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Pixelgrad.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static String[] maximize(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("maximize", "-m", "alexnet/16", "-w", ALEXNET.toString(),
                "--snapshots", "2", "-o", out.toString()));
        if (!List.of(extra).contains("--steps")) a.addAll(List.of("--steps", "4"));
        if (!List.of(extra).contains("--size")) a.addAll(List.of("--size", "32"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    static double[] values(Path npy) throws Exception {
        return Npy.read(npy).castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    @Test
    void maximizeWritesPictureFilmstripAndTrajectory() throws Exception {
        Path out = tmp.resolve("out");
        Run r = run(maximize(out, "--objective", "features.8:3 - 0.01*tv(2)"));
        assertEquals(0, r.code(), r.err());
        INDArray picture = Npy.read(out.resolve("maximize.npy"));
        assertArrayEquals(new long[]{3, 32, 32}, picture.shape());
        assertEquals(DataType.FLOAT, picture.dataType());
        for (double v : values(out.resolve("maximize.npy"))) assertTrue(v >= 0 && v <= 1, "a picture in [0,1]: " + v);
        BufferedImage png = ImageIO.read(out.resolve("maximize.png").toFile());
        assertEquals(32, png.getWidth());
        assertNotNull(ImageIO.read(out.resolve("maximize_filmstrip.png").toFile()));
        JsonNode json = new ObjectMapper().readTree(out.resolve("maximize.json").toFile());
        assertEquals(4, json.get("trajectory").size());
        assertEquals(0, json.get("seed").asInt());
        assertEquals("fft", json.get("param").asText());
        assertEquals("pad(12), jitter(8), scale, rotate, jitter(4)", json.get("transforms").asText());
        assertTrue(json.get("trajectory").get(3).asDouble() > json.get("trajectory").get(0).asDouble(), "the objective grows");
    }

    @Test
    void sameSeedIsBitwiseIdenticalAndAnotherSeedDiffers() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), c = tmp.resolve("c");
        assertEquals(0, run(maximize(a, "--objective", "features.8:3", "--seed", "7")).code());
        assertEquals(0, run(maximize(b, "--objective", "features.8:3", "--seed", "7")).code());
        assertEquals(0, run(maximize(c, "--objective", "features.8:3", "--seed", "8")).code());
        assertEquals(Files.readString(a.resolve("maximize.json")), Files.readString(b.resolve("maximize.json")));
        assertArrayEquals(Files.readAllBytes(a.resolve("maximize.npy")), Files.readAllBytes(b.resolve("maximize.npy")));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve("maximize.npy")), Files.readAllBytes(c.resolve("maximize.npy"))));
    }

    @Test
    void gridOfChannelsIsOneBatch() throws Exception {
        Path out = tmp.resolve("grid");
        Run r = run(maximize(out, "--objective", "features.8", "--channels", "3", "--param", "pixel", "--float64-free-placeholder"));
        // unknown option: a usage error, nothing written
        assertEquals(2, r.code());
        assertFalse(Files.exists(out));
        r = run(maximize(out, "--objective", "features.8", "--channels", "3", "--param", "pixel"));
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new long[]{3, 3, 32, 32}, Npy.read(out.resolve("maximize.npy")).shape());
    }

    @Test
    void initWithZeroStepsGivesItsPicture() throws Exception {
        // pixel parameters without decorrelation: the picture is sigmoid(P), element by element
        INDArray p = Nd4j.linspace(-3, 3, 3 * 32 * 32, DataType.FLOAT).reshape(1, 3, 32, 32);
        Path init = tmp.resolve("init.npy");
        Npy.write(p, init);
        Path out = tmp.resolve("out");
        Run r = run(maximize(out, "--objective", "features.8:3", "--param", "pixel", "--no-decorrelate", "--steps", "0",
                "--init", init.toString(), "--dtype", "float64"));
        assertEquals(0, r.code(), r.err());
        INDArray picture = Npy.read(out.resolve("maximize.npy"));
        assertEquals(DataType.DOUBLE, picture.dataType());
        double[] got = values(out.resolve("maximize.npy")), in = p.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < got.length; i++) assertEquals(1 / (1 + Math.exp(-in[i])), got[i], 1e-15);
    }

    @Test
    void badInputIsOneLineExitTwoAndNothingWritten() throws Exception {
        Path init = tmp.resolve("small.npy");
        Npy.write(Nd4j.zeros(DataType.FLOAT, 1, 3, 8, 8), init);
        String[][] cases = {
            {"--objective", "features.99:3"},
            {"--objective", "features.8:600"},
            {"--objective", "features.8:3 - 100*"},
            {"--objective", "features.8:3 + frob(2)"},
            {"--objective", "features.8:3", "--init", init.toString()},
            {"--objective", "features.8:3", "--size", "33"},
            {"--objective", "features.8:3", "--steps", "-1"},
            {"--objective", "features.8:3", "--transforms", "pad(3),wobble"},
            {"--objective", "features.8:3", "--optimizer", "rmsprop"},
        };
        String[] expect = {"no layer 'features.99'", "has 16 channels (0..15)", "column 20", "unknown function 'frob'",
            "[1, 3, 32, 17, 2]", "even --size", "--steps must be >= 0", "unknown transform 'wobble'", "adam, sgd or lbfgs"};
        for (int i = 0; i < cases.length; i++) {
            Path out = tmp.resolve("bad" + i);
            Run r = run(maximize(out, cases[i]));
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(expect[i]), "expected '" + expect[i] + "' in: " + r.err());
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", cases[i]));
        }
    }

    @Test
    void divergenceStopsWithTheStepAndKeepsTheLastFinitePicture() throws Exception {
        Path out = tmp.resolve("out");
        Run r = run(maximize(out, "--objective", "features.8:3", "--param", "pixel", "--optimizer", "sgd", "--lr", "1e300",
                "--steps", "20", "--transforms", "none"));
        assertEquals(1, r.code(), r.out());
        assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("wrote ")).count(), r.err());
        assertTrue(r.err().contains("diverged at step"), r.err());
        JsonNode json = new ObjectMapper().readTree(out.resolve("maximize.json").toFile());
        assertTrue(json.get("diverged_at_step").asInt() >= 1);
    }

    @Test
    void dreamWritesThePictureAtThePhotoSize() throws Exception {
        BufferedImage photo = new BufferedImage(56, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) for (int x = 0; x < 56; x++) photo.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | ((x + y) * 2));
        Path img = tmp.resolve("photo.png");
        ImageIO.write(photo, "png", img.toFile());
        Path out = tmp.resolve("dream");
        Run r = run("dream", "-m", "vgg16/16", "-w", VGG.toString(), "--image", img.toString(), "--layer", "features.15",
                "--octaves", "2", "--steps", "2", "--jitter", "4", "--tile", "32", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new long[]{3, 48, 56}, Npy.read(out.resolve("dream.npy")).shape());
        for (double v : values(out.resolve("dream.npy"))) assertTrue(v >= 0 && v <= 1);
        JsonNode json = new ObjectMapper().readTree(out.resolve("dream.json").toFile());
        assertEquals(4, json.get("trajectory").size());
        assertNotNull(ImageIO.read(out.resolve("dream_filmstrip.png").toFile()));
        Run bad = run("dream", "-m", "vgg16/16", "-w", VGG.toString(), "--image", img.toString(), "--normalize", "median",
                "-o", tmp.resolve("bad").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("mean or laplacian"), bad.err());
        assertFalse(Files.exists(tmp.resolve("bad")));
    }
}
