package io.pixelgrad.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.zoo.models.ModelCard;
import io.pixelgrad.zoo.weights.SafetensorsFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static io.pixelgrad.cli.PixelgradCliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pixelgrad train} and {@code evaluate} on a small MNIST-format data set written here (digits drawn as bars at a
 * position given by the class, with noise), and their bad input: one line, an exit code, nothing half-written.
 */
class TrainCommandTest {

    @TempDir
    static Path shared;
    static Path data;

    @BeforeAll
    static void writeData() throws IOException {
        data = Files.createDirectories(shared.resolve("bars"));
        write(data, "train", 300, 1);
        write(data, "t10k", 100, 2);
    }

    /** n 28x28 images: class c is a bright horizontal bar at rows 2c+3..2c+5 over noise. */
    static void write(Path dir, String prefix, int n, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] images = new byte[n * 784], labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            labels[i] = (byte) c;
            for (int p = 0; p < 784; p++) images[i * 784 + p] = (byte) r.nextInt(60);
            for (int y = 2 * c + 3; y < 2 * c + 6; y++)
                for (int x = 4 + r.nextInt(3); x < 24; x++) images[i * 784 + y * 28 + x] = (byte) (200 + r.nextInt(55));
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), idx(new int[]{n, 28, 28}, images));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), idx(new int[]{n}, labels));
    }

    static byte[] idx(int[] dims, byte[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
        b.putInt(0x800 | dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(values).array();
    }

    /** train's arguments: lenet, SGD, no augmentation (a shift of two rows would turn one bar into the next), overridable. */
    private static String[] train(Path out, String... extra) {
        Map<String, String> options = new java.util.LinkedHashMap<>(Map.of("--arch", "lenet", "--dataset", "mnist",
                "--data", data.toString(), "--batch", "25", "--optimizer", "sgd", "--lr", "0.05", "--out", out.toString()));
        List<String> flags = new java.util.ArrayList<>(List.of("--no-augment"));
        for (int i = 0; i < extra.length; i++) {
            if (extra[i].equals("--resume")) flags.add(extra[i]);
            else options.put(extra[i], extra[++i]);
        }
        List<String> args = new java.util.ArrayList<>(List.of("train"));
        options.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        args.addAll(flags);
        return args.toArray(new String[0]);
    }

    @Test
    void trainsWritesEverythingAndEvaluates(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        PixelgradCliTest.Run r = run(train(out, "--epochs", "3"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 3/3"), r.out());
        for (String f : List.of("model.safetensors", "train.json", "curves.png", "evolution.png", "confusion.png", "checkpoint.safetensors"))
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        JsonNode json = new ObjectMapper().readTree(out.resolve("train.json").toFile());
        assertEquals(3, json.get("history").size());
        double accuracy = json.get("test_accuracy").asDouble();
        assertTrue(accuracy > 0.8, "the bars are easy to tell apart: " + accuracy);
        assertTrue(ImageIO.read(out.resolve("evolution.png").toFile()).getHeight() > 4 * 30, "start plus three epochs drawn");
        ModelCard card = ModelCard.read(out.resolve("model.safetensors"));
        assertEquals("lenet", card.architecture());
        assertEquals("mnist", card.normalization().id());
        assertEquals(28, card.side());
        assertEquals("mnist", card.facts().get("dataset"));

        PixelgradCliTest.Run e = run("evaluate", "--weights", out.resolve("model.safetensors").toString(), "--dataset", "mnist",
                "--data", data.toString(), "--out", tmp.resolve("eval").toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains(String.format(java.util.Locale.ROOT, "accuracy %.2f%%", 100 * accuracy)), e.out());
        assertTrue(e.out().contains("true \\ predicted"), e.out());
        assertTrue(Files.isRegularFile(tmp.resolve("eval/confusion.png")));
        assertEquals(100, new ObjectMapper().readTree(tmp.resolve("eval/evaluate.json").toFile()).get("images").asInt());

        // the trained model with its card drives the explanation commands: grey 28x28 input, its own class names
        Path bar = tmp.resolve("bar.png");
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 9; y < 12; y++) for (int x = 4; x < 24; x++) img.getRaster().setSample(x, y, 0, 230);
        ImageIO.write(img, "png", bar.toFile());
        PixelgradCliTest.Run c = run("classify", "--weights", out.resolve("model.safetensors").toString(), "--image", bar.toString(), "--json");
        assertEquals(0, c.code(), c.err());
        assertEquals("3", new ObjectMapper().readTree(c.out()).get("predictions").get(0).get(0).get("name").asText(), c.out());
    }

    @Test
    void cifarAndFolderDataTrainColourAndGreyNetworks(@TempDir Path tmp) throws Exception {
        Path cifar = Files.createDirectories(tmp.resolve("cifar"));
        Random r = new Random(4);
        for (String f : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin")) {
            byte[] b = new byte[8 * 3073];
            r.nextBytes(b);
            for (int i = 0; i < 8; i++) b[i * 3073] = (byte) (i % 10);
            Files.write(cifar.resolve(f), b);
        }
        Path out = tmp.resolve("cifar-run");
        PixelgradCliTest.Run c = run("train", "--arch", "smallvgg", "--dataset", "cifar10", "--data", cifar.toString(), "--epochs", "1",
                "--batch", "8", "--out", out.toString());
        assertEquals(0, c.code(), c.err());
        ModelCard card = ModelCard.read(out.resolve("model.safetensors"));
        assertEquals(3, card.channels());
        assertEquals(32, card.side());
        assertEquals("airplane", card.classes().get(0));
        assertTrue(Files.isRegularFile(out.resolve("samples/airplane.png")));

        Path folder = tmp.resolve("folder");
        for (String split : List.of("train", "test"))
            for (String cls : List.of("dark", "light")) {
                Path d = Files.createDirectories(folder.resolve(split).resolve(cls));
                for (int i = 0; i < 6; i++) {
                    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
                    int v = cls.equals("dark") ? 30 + i : 220 - i;
                    for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, v << 16 | v << 8 | v);
                    ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
                }
            }
        Files.writeString(folder.resolve("train/dark/broken.png"), "not an image");
        Path folderOut = tmp.resolve("folder-run");
        PixelgradCliTest.Run f = run("train", "--arch", "lenet", "--dataset", "folder", "--data", folder.toString(), "--epochs", "1",
                "--batch", "4", "--out", folderOut.toString());
        assertEquals(0, f.code(), f.err());
        assertTrue(f.err().contains("warning: skipping " + folder.resolve("train/dark/broken.png")), f.err());
        assertTrue(f.err().contains("warning: 1 unreadable image(s) skipped in " + folder.resolve("train")), f.err());
        ModelCard fc = ModelCard.read(folderOut.resolve("model.safetensors"));
        assertEquals(List.of("dark", "light"), fc.classes());
        assertEquals("half", fc.normalization().id());
        assertEquals(1, fc.channels());
    }

    @Test
    void aResumedRunEndsWhereAnUninterruptedOneDoes(@TempDir Path tmp) throws Exception {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        assertEquals(0, run(train(straight, "--epochs", "2")).code());
        assertEquals(0, run(train(resumed, "--epochs", "1")).code());
        PixelgradCliTest.Run r = run(train(resumed, "--epochs", "2", "--resume"));
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("epoch 1/2"), "the first epoch is not trained again: " + r.out());
        Map<String, INDArray> a = SafetensorsFiles.read(straight.resolve("model.safetensors")).tensors();
        Map<String, INDArray> b = SafetensorsFiles.read(resumed.resolve("model.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v.data().asFloat(), b.get(k).data().asFloat(), 0f, k));
        JsonNode h1 = new ObjectMapper().readTree(straight.resolve("train.json").toFile()).get("history");
        JsonNode h2 = new ObjectMapper().readTree(resumed.resolve("train.json").toFile()).get("history");
        assertEquals(h1.get(1).get("train_loss").asDouble(), h2.get(1).get("train_loss").asDouble(), 0);
    }

    @Test
    void badInputIsOneLineAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("never");
        assertOneLine(run(train(out, "--data", tmp.resolve("nowhere").toString())), 1, "mnist data " + tmp.resolve("nowhere") + ": no such directory");
        assertOneLine(run(train(out, "--arch", "resnet")), 2, "--arch: unknown architecture 'resnet'; train knows: lenet, smallvgg");
        assertOneLine(run(train(out, "--dataset", "imagenet")), 2, "--dataset: unknown data set 'imagenet'; known: mnist, fashion-mnist, cifar10, folder");
        assertOneLine(run(train(out, "--optimizer", "rmsprop")), 2, "unknown optimizer 'rmsprop'; known: sgd, adam");
        assertOneLine(run(train(out, "--dtype", "float16")), 2, "--dtype must be float32 or float64, not float16");
        assertOneLine(run(train(out, "--resume")), 1, "--resume: there is no checkpoint.safetensors in " + out);
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        for (String f : List.of("train-images-idx3-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"))
            Files.copy(data.resolve(f), broken.resolve(f));
        Files.write(broken.resolve("train-labels-idx1-ubyte"), idx(new int[]{299}, new byte[299]));
        assertOneLine(run(train(out, "--data", broken.toString())), 1,
                "mnist train: train-images-idx3-ubyte holds 300 images but train-labels-idx1-ubyte holds 299 labels");
        Files.write(broken.resolve("train-labels-idx1-ubyte"), new byte[]{1, 2, 3, 0, 0, 0, 0, 0});
        assertOneLine(run(train(out, "--data", broken.toString())), 1,
                "labels file " + broken.resolve("train-labels-idx1-ubyte") + ": not an IDX labels file (magic number 0x01020300, expected 0x00000801)");
        assertFalse(Files.exists(out), "nothing is written when the input is bad");
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(broken), left.toList(), "no output directory, no staging left behind");
        }
        // a directory that already holds a run is not overwritten by a new one
        Path used = tmp.resolve("used");
        assertEquals(0, run(train(used, "--epochs", "1", "--limit", "50")).code());
        assertOneLine(run(train(used, "--epochs", "1")), 1, "--out " + used + " already holds a training checkpoint: add --resume"
                + " to continue that run, or choose another directory");
        assertOneLine(run(train(used, "--epochs", "2", "--resume", "--lr", "0.1", "--limit", "50")), 1,
                "--resume: the checkpoint was written by a run with other options (lenet batch 25 sgd lr 0.05 momentum 0.9 decay 0.0"
                        + " cosine crop 0 flip false seed 1 float32), not lenet batch 25 sgd lr 0.1 momentum 0.9 decay 0.0 cosine crop 0"
                        + " flip false seed 1 float32");
    }

    private static void assertOneLine(PixelgradCliTest.Run r, int code, String message) {
        assertEquals(code, r.code(), r.err());
        String[] lines = r.errLines();
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains(message), lines[0]);
        assertFalse(lines[0].contains("Exception"), lines[0]);
    }
}
