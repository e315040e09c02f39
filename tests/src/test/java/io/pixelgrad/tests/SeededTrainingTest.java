package io.pixelgrad.tests;

import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.DatasetKind;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.train.Checkpoint;
import io.pixelgrad.zoo.train.EpochStats;
import io.pixelgrad.zoo.train.Trainer;
import io.pixelgrad.zoo.train.TrainingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A short seeded training run (small VGG with dropout, crops and flips, on the first Fashion-MNIST images) is bitwise
 * reproducible: twice in one JVM, and when stopped after an epoch, saved, and resumed in a fresh trainer.
 */
class SeededTrainingTest {

    private static final int IMAGES = 128;

    private static TrainingOptions options(long seed, String optimizer, DataType type) {
        return new TrainingOptions("smallvgg", 2, 32, optimizer, optimizer.equals("sgd") ? 0.05 : 1e-3, optimizer.equals("sgd") ? 0.9 : 0,
                1e-4, "cosine", DatasetKind.FASHION_MNIST.augmentation(), seed, type);
    }

    private static Dataset[] data(int images) throws Exception {
        Path dir = TestData.fashionMnist();
        return new Dataset[]{DatasetKind.FASHION_MNIST.load(dir, true, 1, 28, w -> { }).first(images),
                DatasetKind.FASHION_MNIST.load(dir, false, 1, 28, w -> { }).first(images / 2)};
    }

    /** Trains from scratch for the given epochs; returns the weights' bits and the history. */
    private static Map<String, byte[]> run(Dataset[] d, TrainingOptions o, int epochs, List<EpochStats> history) {
        Classifier model = Architectures.create("smallvgg", 10, 1);
        Trainer.initialize(model, o.seed());
        try (Trainer t = new Trainer(model, d[0], d[1], DatasetKind.FASHION_MNIST.normalization(), o)) {
            for (int e = 0; e < epochs; e++) history.add(t.epoch(e, (s, n, l, a) -> { }));
            return bits(t.modelState());
        }
    }

    private static Map<String, byte[]> bits(Map<String, INDArray> state) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            INDArray c = v.dup('c');
            java.nio.ByteBuffer b = c.data().asNio();
            byte[] bytes = new byte[(int) (c.length() * c.dataType().width())];
            b.position(0);
            b.get(bytes);
            out.put(k, bytes);
        });
        return out;
    }

    private static void assertSameBits(Map<String, byte[]> a, Map<String, byte[]> b, String what) {
        assertEquals(a.keySet(), b.keySet(), what);
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), what + ": " + k));
    }

    @Test
    void aSeededRunRepeatsBitForBit() throws Exception {
        Dataset[] d = data(IMAGES);
        for (String optimizer : List.of("adam", "sgd")) {
            List<EpochStats> h1 = new ArrayList<>(), h2 = new ArrayList<>(), h3 = new ArrayList<>();
            Map<String, byte[]> first = run(d, options(7, optimizer, DataType.FLOAT), 2, h1);
            Map<String, byte[]> second = run(d, options(7, optimizer, DataType.FLOAT), 2, h2);
            assertSameBits(first, second, optimizer + ": same seed");
            for (int e = 0; e < 2; e++) {
                assertEquals(h1.get(e).trainLoss(), h2.get(e).trainLoss(), 0, optimizer + ": training loss of epoch " + e);
                assertEquals(h1.get(e).testAccuracy(), h2.get(e).testAccuracy(), 0, optimizer + ": test accuracy of epoch " + e);
            }
            Map<String, byte[]> other = run(d, options(8, optimizer, DataType.FLOAT), 2, h3);
            assertNotEquals(h1.get(1).trainLoss(), h3.get(1).trainLoss(), optimizer + ": another seed trains differently");
        }
    }

    @Test
    void aResumedRunRepeatsTheUninterruptedOne(@TempDir Path dir) throws Exception {
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            Dataset[] d = data(type == DataType.FLOAT ? IMAGES : IMAGES / 4);   // float64 takes the slower portable kernels
            TrainingOptions o = options(3, "adam", type);
            Map<String, byte[]> straight = run(d, o, 2, new ArrayList<>());
            Path file = dir.resolve("checkpoint-" + type + ".safetensors");
            List<EpochStats> history = new ArrayList<>();
            {
                Classifier model = Architectures.create("smallvgg", 10, 1);
                Trainer.initialize(model, o.seed());
                try (Trainer t = new Trainer(model, d[0], d[1], DatasetKind.FASHION_MNIST.normalization(), o);
                     OutputStream out = Files.newOutputStream(file)) {
                    history.add(t.epoch(0, (s, n, l, a) -> { }));
                    Checkpoint.of(t, 1, history, List.of()).write(out);
                }
            }
            Checkpoint c = Checkpoint.read(file);
            assertEquals(1, c.epochsDone());
            assertEquals(history.get(0).trainLoss(), c.history().get(0).trainLoss(), 0);
            Classifier model = Architectures.create("smallvgg", 10, 1);   // not initialized: everything comes from the file
            try (Trainer t = new Trainer(model, d[0], d[1], DatasetKind.FASHION_MNIST.normalization(), o)) {
                c.restore(t);
                assertEquals(c.steps(), t.optimizer().steps());
                t.epoch(1, (s, n, l, a) -> { });
                assertSameBits(straight, bits(t.modelState()), type + ": resumed after epoch 1");
            }
        }
    }
}
