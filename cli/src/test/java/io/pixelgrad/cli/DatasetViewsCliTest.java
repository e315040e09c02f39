package io.pixelgrad.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.vis.dataset.DatasetPass;
import io.pixelgrad.vis.dataset.Hit;
import io.pixelgrad.vis.dataset.TopUnits;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.ImageFolder;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.LayerGeometry;
import io.pixelgrad.zoo.models.ModelCard;
import io.pixelgrad.zoo.weights.SafetensorsFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.pixelgrad.cli.PixelgradCliTest.assertOneLineError;
import static io.pixelgrad.cli.PixelgradCliTest.emptyOrMissing;
import static io.pixelgrad.cli.PixelgradCliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data-set commands (top, neighbors, map, units) run in-process on an image folder of 30 drawn pictures and one
 * unreadable file, with a small VGG of seeded random weights: outputs checked against the library's own pass and the
 * layer geometry, runs repeated bit for bit, and every kind of bad input answered with one line, its exit code and
 * nothing written.
 */
class DatasetViewsCliTest {

    @TempDir
    static Path tmp;
    static Path folder, weights, deadWeights;
    static final List<String> CLASSES = List.of("circle", "square", "stripes");

    @BeforeAll
    static void folderAndModel() throws Exception {
        folder = tmp.resolve("shapes");
        Random r = new Random(4);
        for (int c = 0; c < CLASSES.size(); c++) {
            Path dir = Files.createDirectories(folder.resolve(CLASSES.get(c)));
            for (int i = 0; i < 10; i++) ImageIO.write(draw(c, r), "png", dir.resolve(String.format("%02d.png", i)).toFile());
        }
        Files.writeString(folder.resolve("square").resolve("broken.png"), "this is not a PNG");
        Classifier net = Architectures.create("smallvgg", 3, 4, 1, 28);
        Init.randomize(net, 21);
        weights = save(net, "shapes.safetensors");
        ((io.pixelgrad.autograd.nn.Conv2d) net.features().get(0)).bias().value().putScalar(0, -1e6);
        deadWeights = save(net, "dead.safetensors");
    }

    static Path save(Classifier net, String name) throws Exception {
        Map<String, INDArray> state = new LinkedHashMap<>();
        net.parameters().forEach((k, p) -> state.put(k, p.value()));
        ModelCard card = new ModelCard("smallvgg", CLASSES, Normalization.HALF, 1, 28, Map.of("dataset", "shapes"));
        Path file = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            SafetensorsFiles.write(out, state, card.toMetadata());
        }
        return file;
    }

    /** A 28x28 grey picture of class c: a disc, a square or stripes at a random place and size. */
    static BufferedImage draw(int c, Random r) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        int cy = 6 + r.nextInt(16), cx = 6 + r.nextInt(16), s = 3 + r.nextInt(5);
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) {
                boolean on = switch (c) {
                    case 0 -> Math.hypot(y - cy, x - cx) <= s;
                    case 1 -> Math.abs(y - cy) <= s && Math.abs(x - cx) <= s;
                    default -> (x + y + s) % 6 < 3;
                };
                int v = on ? 200 + r.nextInt(55) : r.nextInt(30);
                img.getRaster().setSample(x, y, 0, v);
            }
        return img;
    }

    static String[] args(String command, Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of(command, "--model", "smallvgg/4", "--weights", weights.toString(),
                "--dataset", "folder", "--data", folder.toString()));
        if (out != null) a.addAll(List.of("--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    static JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(Files.readString(file));
    }

    @Test
    void topAgreesWithTheLibraryPassAndTheLayerGeometry() throws Exception {
        Path out = tmp.resolve("top");
        PixelgradCliTest.Run r = run(args("top", out, "--layer", "features.3,classifier.2", "--k", "4"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: 1 unreadable image(s) skipped"), r.err());
        for (String f : List.of("top_features.3.png", "top_classifier.2.png", "top.json")) assertTrue(Files.isRegularFile(out.resolve(f)), f);
        JsonNode j = json(out.resolve("top.json"));
        assertEquals(30, j.get("images").asInt());
        assertEquals(1, j.get("skipped_unreadable").asInt());

        Classifier net = io.pixelgrad.zoo.load.ModelLoader.load("smallvgg/4", weights);
        Dataset d = ImageFolder.read(folder, "shapes", 1, 28, w -> { }).dataset();
        DatasetPass.Result lib = DatasetPass.of(net, Batches.of(d, Normalization.HALF).batchSize(256).build())
                .topK(4, List.of("features.3", "classifier.2")).build().run();
        for (String layer : List.of("features.3", "classifier.2")) {
            LayerGeometry.ReceptiveField rf = LayerGeometry.layer(net, new long[]{1, 1, 28, 28}, layer).receptiveField();
            JsonNode chans = j.get("layers").get(layer).get("channels");
            TopUnits top = lib.top(layer);
            assertEquals(top.channels(), chans.size());
            for (int c = 0; c < top.channels(); c++) {
                List<Hit> hits = top.top(c);
                JsonNode got = chans.get(c).get("top");
                assertEquals(4, got.size());
                for (int m = 0; m < 4; m++) {
                    Hit h = hits.get(m);
                    JsonNode e = got.get(m);
                    assertEquals(h.image(), e.get("image").asInt());
                    assertEquals(h.value(), e.get("value").asDouble(), 0);
                    assertEquals(CLASSES.get(d.label(h.image())), e.get("class").asText());
                    LayerGeometry.Box b = rf.box(h.y(), h.x(), 28, 28);
                    assertEquals(List.of(b.top(), b.left(), b.bottom(), b.right()),
                            List.of(e.get("box").get(0).asInt(), e.get("box").get(1).asInt(), e.get("box").get(2).asInt(), e.get("box").get(3).asInt()));
                }
            }
        }
        assertEquals("local", j.get("layers").get("features.3").get("receptive_field").get("extent").asText());
        assertEquals(5, j.get("layers").get("features.3").get("receptive_field").get("size").get(0).asInt());
        assertEquals("whole", j.get("layers").get("classifier.2").get("receptive_field").get("extent").asText());
    }

    @Test
    void topDeconvAddsAColumnGroupAndRunsRepeatBitForBit() throws Exception {
        Path a = tmp.resolve("deconv-a"), b = tmp.resolve("deconv-b"), plain = tmp.resolve("plain");
        assertEquals(0, run(args("top", a, "--layer", "features.8", "--k", "3", "--channels", "0-3,7", "--deconv")).code());
        assertEquals(0, run(args("top", b, "--layer", "features.8", "--k", "3", "--channels", "0-3,7", "--deconv")).code());
        assertEquals(0, run(args("top", plain, "--layer", "features.8", "--k", "3", "--channels", "0-3,7")).code());
        BufferedImage withDeconv = ImageIO.read(a.resolve("top_features.8.png").toFile());
        BufferedImage without = ImageIO.read(plain.resolve("top_features.8.png").toFile());
        assertTrue(withDeconv.getWidth() > without.getWidth() * 1.3, withDeconv.getWidth() + " vs " + without.getWidth());
        assertEquals(without.getHeight(), withDeconv.getHeight());
        assertArrayEquals(Files.readAllBytes(a.resolve("top_features.8.png")), Files.readAllBytes(b.resolve("top_features.8.png")));
        assertArrayEquals(Files.readAllBytes(a.resolve("top.json")), Files.readAllBytes(b.resolve("top.json")));
    }

    @Test
    void float64RunsFindTheSameTopImages() throws Exception {
        Path f32 = tmp.resolve("top32"), f64 = tmp.resolve("top64");
        assertEquals(0, run(args("top", f32, "--layer", "features.8", "--k", "3")).code());
        PixelgradCliTest.Run r = run(args("top", f64, "--layer", "features.8", "--k", "3", "--dtype", "float64"));
        assertEquals(0, r.code(), r.err());
        JsonNode a = json(f32.resolve("top.json")), b = json(f64.resolve("top.json"));
        assertEquals("float64", b.get("dtype").asText());
        JsonNode ca = a.get("layers").get("features.8").get("channels"), cb = b.get("layers").get("features.8").get("channels");
        for (int c = 0; c < ca.size(); c++) {
            JsonNode x = ca.get(c).get("top").get(0), y = cb.get(c).get("top").get(0);
            assertEquals(x.get("image").asInt(), y.get("image").asInt(), "channel " + c);
            assertEquals(y.get("value").asDouble(), x.get("value").asDouble(), 1e-5 * Math.abs(y.get("value").asDouble()) + 1e-6, "channel " + c);
        }
    }

    @Test
    void neighborsOfAnImageOfTheSetStartWithItself() throws Exception {
        Path out = tmp.resolve("nn");
        PixelgradCliTest.Run r = run(args("neighbors", out, "--index", "12", "--k", "5"));
        assertEquals(0, r.code(), r.err());
        JsonNode j = json(out.resolve("neighbors.json"));
        for (String m : List.of("features_l2", "features_cosine", "pixels_l2")) {
            JsonNode list = j.get("neighbors").get(m);
            assertEquals(5, list.size(), m);
            assertEquals(12, list.get(0).get("image").asInt(), m);
            assertEquals(0, list.get(0).get("distance").asDouble(), m.equals("features_cosine") ? 1e-15 : 0, m);
            for (int i = 1; i < 5; i++) assertTrue(list.get(i).get("distance").asDouble() >= list.get(i - 1).get("distance").asDouble(), m);
        }
        assertTrue(Files.isRegularFile(out.resolve("neighbors.png")));
        // the same picture given as a file is the same query: its own file comes first, at distance 0
        Path file = folder.resolve("square").resolve("02.png");
        Path out2 = tmp.resolve("nn-file");
        r = run(args("neighbors", out2, "--query", file.toString(), "--k", "3"));
        assertEquals(0, r.code(), r.err());
        JsonNode first = json(out2.resolve("neighbors.json")).get("neighbors").get("pixels_l2").get(0);
        assertEquals(12, first.get("image").asInt());
        assertEquals(0, first.get("distance").asDouble(), 0);
    }

    @Test
    void mapsArePcaAndTsneWithCsvAndRepeatBitForBit() throws Exception {
        for (String method : List.of("pca", "tsne")) {
            Path a = tmp.resolve("map-" + method + "-a"), b = tmp.resolve("map-" + method + "-b");
            PixelgradCliTest.Run r = run(args("map", a, "--method", method, "--iterations", "300", "--side", "400"));
            assertEquals(0, r.code(), r.err());
            assertEquals(0, run(args("map", b, "--method", method, "--iterations", "300", "--side", "400")).code());
            List<String> csv = Files.readAllLines(a.resolve("map.csv"));
            assertEquals("index,label,class,x,y", csv.get(0));
            assertEquals(31, csv.size());
            for (String f : List.of("map.csv", "map.png", "map.json"))
                assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), method + " " + f);
            JsonNode j = json(a.resolve("map.json"));
            assertEquals("classifier.2", j.get("feature_layer").asText());
            if (method.equals("tsne")) {
                assertTrue(r.err().contains("using 9"), "perplexity lowered for 30 images: " + r.err());
                assertEquals("exact", j.get("algorithm").asText());
            } else {
                assertTrue(j.get("explained_variance_ratio").get(0).asDouble() >= j.get("explained_variance_ratio").get(1).asDouble());
            }
        }
    }

    @Test
    void unitsFindsTheSilencedChannel() throws Exception {
        Path out = tmp.resolve("units");
        String[] a = args("units", out);
        a[4] = deadWeights.toString();
        PixelgradCliTest.Run r = run(a);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("features.1"), r.out());
        JsonNode j = json(out.resolve("units.json"));
        assertTrue(j.get("layers").get("features.1").get("dead").toString().startsWith("[0"), j.get("layers").get("features.1").toString());
        assertEquals(0, j.get("layers").get("features.1").get("per_unit").get(0).get("active_fraction").asDouble(), 0);
        assertEquals(List.of("features.1", "features.3", "features.6", "features.8", "classifier.2"),
                List.copyOf(iterable(j.get("layers").fieldNames())));
    }

    static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    @Test
    void badInputIsOneLineWithItsExitCodeAndNothingWritten() throws Exception {
        Path out = tmp.resolve("bad");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path unreadable = Files.createDirectories(tmp.resolve("unreadable").resolve("x"));
        Files.writeString(unreadable.resolve("a.png"), "no");
        assertOneLineError(run(args("top", out, "--layer", "features.99")), Pixelgrad.USAGE,
                "pixelgrad top: no layer 'features.99' in smallvgg/4; layers: features.0, ");
        assertOneLineError(run(args("top", out, "--k", "31")), Pixelgrad.USAGE,
                "pixelgrad top: --k 31 is more than the 30 images of the data set");
        assertOneLineError(run(args("neighbors", out, "--index", "2", "--k", "40")), Pixelgrad.USAGE,
                "pixelgrad neighbors: --k 40 is more than the 30 images");
        assertOneLineError(run(args("top", null, "--k", "3")), Pixelgrad.USAGE, "pixelgrad top: --out DIR is required");
        assertOneLineError(run(args("top", out, "--channels", "5-99")), Pixelgrad.USAGE, "pixelgrad top: --channels: channel 99 out of range");
        assertOneLineError(run(args("neighbors", out, "--index", "1", "--query", "x.png")), Pixelgrad.USAGE,
                "pixelgrad neighbors: give the query as --query FILE or --index N");
        assertOneLineError(run(args("neighbors", out, "--index", "30")), Pixelgrad.USAGE, "pixelgrad neighbors: --index 30 out of range");
        assertOneLineError(run(args("map", out, "--method", "umap")), Pixelgrad.USAGE, "pixelgrad map: --method must be pca or tsne");
        assertOneLineError(run(args("units", out, "--split", "val")), Pixelgrad.USAGE, "pixelgrad units: --split must be test or train");
        assertOneLineError(run(args("units", out, "--layer", "nope")), Pixelgrad.USAGE, "pixelgrad units: no layer 'nope'");
        String[] e = args("top", out);
        e[6] = "imagenet";
        assertOneLineError(run(e), Pixelgrad.USAGE, "pixelgrad top: unknown data set 'imagenet'");
        e[6] = "folder";
        e[8] = empty.toString();
        assertOneLineError(run(e), Pixelgrad.BAD_INPUT, "pixelgrad top: image folder " + empty + ": no class sub-directories");
        e[8] = unreadable.getParent().toString();
        assertOneLineError(run(e), Pixelgrad.BAD_INPUT, "pixelgrad top: image folder " + unreadable.getParent() + ": no readable images (1 skipped)");
        e[8] = tmp.resolve("missing").toString();
        assertOneLineError(run(e), Pixelgrad.BAD_INPUT, "pixelgrad top: image folder " + tmp.resolve("missing") + ": no such directory");
        assertOneLineError(run(args("top", out, "--rgb")), Pixelgrad.BAD_INPUT, "pixelgrad top: folder shapes images have 3 channel(s); smallvgg/4 takes 1");
        assertOneLineError(run(args("neighbors", out, "--query", tmp.resolve("nothing.png").toString())), Pixelgrad.BAD_INPUT,
                "pixelgrad neighbors: ");
        assertTrue(emptyOrMissing(out), "nothing written");
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("top", "neighbors", "map", "units")) {
            PixelgradCliTest.Run r = run(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("--dataset"), c);
        }
    }
}
