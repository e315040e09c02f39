package io.pixelgrad.vis.dataset;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.zoo.data.Batch;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data-set pass against a brute-force computation on a small set: every activation of every image kept, each
 * image's maximum per channel found by a plain scan of the row-major copy, all of them sorted, the first k taken. The
 * brute force runs the same batches (activations depend on nothing else), so the comparison is exact: same images,
 * same positions, same values bit for bit, ties included (the set holds duplicate and blank images on purpose).
 */
class DatasetPassTest {

    static final int BATCH = 16;

    /** 70 random 28x28 grey images; image 5 is repeated as 40 and 63, images 7 and 50 are blank. */
    static Dataset synthetic() {
        Random r = new Random(7);
        int n = 70, size = 28 * 28;
        byte[] pixels = new byte[n * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            // smooth blobs rather than white noise, so units have something to prefer
            int cy = r.nextInt(28), cx = r.nextInt(28), rad = 3 + r.nextInt(8);
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++) {
                    double d = Math.hypot(y - cy, x - cx);
                    int v = (int) Math.max(0, Math.min(255, 255 * (1 - d / (2 * rad)) + r.nextInt(40)));
                    pixels[i * size + y * 28 + x] = (byte) v;
                }
        }
        for (int dup : new int[]{40, 63}) System.arraycopy(pixels, 5 * size, pixels, dup * size, size);
        for (int blank : new int[]{7, 50}) java.util.Arrays.fill(pixels, blank * size, (blank + 1) * size, (byte) 0);
        return new Dataset("synthetic", pixels, labels, 1, 28, 28, List.of("a", "b", "c"));
    }

    static Classifier smallVgg(long seed) {
        Classifier net = Architectures.create("smallvgg", 3, 4, 1, 28);
        Init.randomize(net, seed);
        return net;
    }

    static Batches batches(Dataset d) {
        return Batches.of(d, Normalization.HALF).batchSize(BATCH).build();
    }

    /** Every image's activations of a layer, row-major [image][C * H * W], through the plain forward path. */
    static double[][] activations(Classifier net, Batches batches, String layer) {
        double[][] out = new double[batches.dataset().size()][];
        for (int b = 0; b < batches.count(); b++) {
            try (Batch batch = batches.batch(b); Tape tape = new Tape()) {
                double[] v = Passes.values(net.forwardTo(tape.constant(batch.images()), layer).value());
                int per = v.length / batch.size();
                for (int i = 0; i < batch.size(); i++)
                    out[batch.indices()[i]] = java.util.Arrays.copyOfRange(v, i * per, (i + 1) * per);
            }
        }
        return out;
    }

    record Entry(int image, int position, double value) {
    }

    /** The brute-force top-k of channel c: each image's maximum (first position on ties), sorted, the first k. */
    static List<Entry> bruteTop(double[][] acts, int channels, int c, int k) {
        List<Entry> all = new ArrayList<>();
        for (int i = 0; i < acts.length; i++) {
            int plane = acts[i].length / channels, best = 0;
            for (int p = 1; p < plane; p++) if (acts[i][c * plane + p] > acts[i][c * plane + best]) best = p;
            all.add(new Entry(i, best, acts[i][c * plane + best]));
        }
        all.sort(Comparator.comparingDouble((Entry e) -> -e.value()).thenComparingInt(Entry::image));
        return all.subList(0, Math.min(k, all.size()));
    }

    @Test
    void topKMatchesBruteForceOnEveryKindOfLayer() {
        Dataset d = synthetic();
        Classifier net = smallVgg(11);
        List<String> layers = List.of("features.0", "features.3", "features.4", "features.8", "features.9", "classifier.2", "classifier.4");
        for (int k : new int[]{1, 5, 70}) {
            DatasetPass.Result r = DatasetPass.of(net, batches(d)).topK(k, layers).build().run();
            assertEquals(d.size(), r.images());
            int ties = 0;
            for (String layer : layers) {
                TopUnits top = r.top(layer);
                double[][] acts = activations(net, batches(d), layer);
                int plane = top.height() * top.width();
                assertEquals(acts[0].length, top.channels() * plane, layer);
                for (int c = 0; c < top.channels(); c++) {
                    List<Entry> expected = bruteTop(acts, top.channels(), c, k);
                    List<Hit> got = top.top(c);
                    assertEquals(expected.size(), got.size(), layer + " channel " + c);
                    for (int m = 0; m < got.size(); m++) {
                        Entry e = expected.get(m);
                        Hit h = got.get(m);
                        String where = layer + " channel " + c + " rank " + m;
                        assertEquals(e.image(), h.image(), where);
                        assertEquals(e.position() / top.width(), h.y(), where);
                        assertEquals(e.position() % top.width(), h.x(), where);
                        assertEquals(Double.doubleToLongBits(e.value()), Double.doubleToLongBits(h.value()), where);
                        if (m > 0 && got.get(m - 1).value() == h.value()) ties++;
                    }
                }
            }
            if (k == 70) assertTrue(ties > 100, "the set exercises tie-breaking (" + ties + " equal neighbours)");
        }
    }

    @Test
    void unitStatisticsMatchBruteForce() {
        Dataset d = synthetic();
        Classifier net = smallVgg(12);
        List<String> layers = List.of("features.1", "features.8", "classifier.2");
        DatasetPass.Result r = DatasetPass.of(net, batches(d)).unitStats(layers).build().run();
        for (String layer : layers) {
            UnitStats s = r.stats(layer);
            double[][] acts = activations(net, batches(d), layer);
            int plane = acts[0].length / s.channels();
            List<Integer> dead = new ArrayList<>(), on = new ArrayList<>();
            for (int c = 0; c < s.channels(); c++) {
                long pos = 0;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (double[] a : acts)
                    for (int p = 0; p < plane; p++) {
                        double v = a[c * plane + p];
                        if (v > 0) pos++;
                        max = Math.max(max, v);
                        sum += v;
                    }
                long count = (long) acts.length * plane;
                assertEquals(pos, s.positive(c), layer + " unit " + c);
                assertEquals(count, s.count(c), layer + " unit " + c);
                assertEquals(max, s.max(c), 0, layer + " unit " + c);
                assertEquals(sum / count, s.mean(c), 1e-12 * Math.max(1, Math.abs(max)), layer + " unit " + c);
                if (pos == 0) dead.add(c);
                if (pos == count) on.add(c);
            }
            assertEquals(dead, s.dead(), layer);
            assertEquals(on, s.alwaysOn(), layer);
        }
    }

    @Test
    void deadUnitsAreFound() {
        Dataset d = synthetic();
        Classifier net = smallVgg(13);
        // a strongly negative bias silences channel 3 of the first convolution for every input
        var conv = (io.pixelgrad.autograd.nn.Conv2d) net.features().get(0);
        conv.bias().value().putScalar(3, -1e6);
        DatasetPass.Result r = DatasetPass.of(net, batches(d)).unitStats(List.of("features.1")).build().run();
        assertTrue(r.stats("features.1").dead().contains(3));
        assertEquals(0, r.stats("features.1").max(3), 0);
    }

    @Test
    void penultimateFeaturesAndInputsReachTheSinksInOrder() {
        Dataset d = synthetic();
        Classifier net = smallVgg(14);
        assertEquals("classifier.2", DatasetPass.penultimate(net));
        assertEquals("classifier.1", DatasetPass.penultimate(Architectures.create("lenet", 10, 4, 1, 28)));
        assertEquals("classifier.4", DatasetPass.penultimate(Architectures.create("vgg11", 10, 16)));
        double[][] expected = activations(net, batches(d), "classifier.2");
        List<Integer> order = new ArrayList<>();
        try (FeatureStore store = new FeatureStore(expected[0].length, false, FeatureStore.DEFAULT_MEMORY_LIMIT)) {
            double[][] inputs = new double[d.size()][];
            DatasetPass.of(net, batches(d)).features((i, row) -> {
                order.add(i);
                store.append(row, 0);
            }).inputs((i, row) -> inputs[i] = row.clone()).build().run();
            for (int i = 0; i < d.size(); i++) {
                assertEquals(i, order.get(i));
                assertArrayEquals(expected[i], store.row(i), 0, "image " + i);
            }
            try (Batch one = Batches.of(d, Normalization.HALF).batchSize(1).build().batch(33)) {
                assertArrayEquals(Passes.values(one.images()), inputs[33], 0);
            }
        }
    }

    @Test
    void passIsBitwiseReproducible() {
        Dataset d = synthetic();
        Classifier net = smallVgg(15);
        List<String> layers = List.of("features.3", "classifier.2");
        DatasetPass.Result a = DatasetPass.of(net, batches(d)).topK(4, layers).unitStats(layers).build().run();
        DatasetPass.Result b = DatasetPass.of(net, batches(d)).topK(4, layers).unitStats(layers).build().run();
        for (String l : layers) {
            for (int c = 0; c < a.top(l).channels(); c++) {
                assertEquals(a.top(l).top(c), b.top(l).top(c));
                assertEquals(Double.doubleToLongBits(a.stats(l).mean(c)), Double.doubleToLongBits(b.stats(l).mean(c)));
            }
        }
    }

    @Test
    void featureStoreSpillsToAFileAndReadsBackExactly() throws Exception {
        Random r = new Random(1);
        int rows = 500, dim = 37;
        double[][] values = new double[rows][dim];
        for (double[] row : values) for (int j = 0; j < dim; j++) row[j] = (float) r.nextGaussian();
        for (boolean dbl : new boolean[]{false, true}) {
            java.nio.file.Path file;
            try (FeatureStore s = new FeatureStore(dim, dbl, 10_000)) {
                for (double[] row : values) s.append(row, 0);
                assertTrue(s.onDisk());
                assertEquals(rows, s.rows());
                for (int i = rows - 1; i >= 0; i--) assertArrayEquals(values[i], s.row(i), 0, "row " + i);
                var f = FeatureStore.class.getDeclaredField("file");
                f.setAccessible(true);
                file = (java.nio.file.Path) f.get(s);
                assertTrue(java.nio.file.Files.exists(file));
            }
            assertFalse(java.nio.file.Files.exists(file), "the temporary file is deleted on close");
        }
        try (FeatureStore s = new FeatureStore(dim, false, FeatureStore.DEFAULT_MEMORY_LIMIT)) {
            for (double[] row : values) s.append(row, 0);
            assertFalse(s.onDisk());
            for (int i = 0; i < rows; i++) assertArrayEquals(values[i], s.row(i), 0);
        }
    }
}
