package io.pixelgrad.zoo.train;

import io.pixelgrad.autograd.nn.Parameter;
import io.pixelgrad.zoo.data.Augmentation;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.labels.UnknownClassException;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.ModelCard;
import io.pixelgrad.zoo.weights.SafetensorsFiles;
import io.pixelgrad.zoo.weights.WeightsFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small architectures, the files pixelgrad writes for them (models with cards, checkpoints) and reading them back. */
class SmallModelsTest {

    @TempDir
    Path dir;

    private static long parameters(Classifier c) {
        long n = 0;
        for (Parameter p : c.parameters().values()) n += p.value().length();
        return n;
    }

    @Test
    void smallArchitecturesHaveTorchvisionNamesAndAtMostHalfAMillionParameters() {
        Classifier lenet = Architectures.create("lenet", 10, 1), vgg = Architectures.create("smallvgg", 10, 1);
        assertEquals(431_080, parameters(lenet));
        assertEquals(467_818, parameters(vgg));
        assertEquals(List.of("features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias", "classifier.0.weight",
                "classifier.0.bias", "classifier.3.weight", "classifier.3.bias"), List.copyOf(lenet.parameters().keySet()));
        assertEquals("features.8", vgg.lastConvReluName());
        assertEquals(1, vgg.inputChannels());
        Classifier rgb = Architectures.create("smallvgg", 10, 1, 3, 32);
        assertArrayEquals(new long[]{128, 64 * 8 * 8}, rgb.parameters().get("classifier.1.weight").value().shape());
        assertEquals("lenet needs inputs of at least 16x16, not 12x12",
                assertThrows(IllegalArgumentException.class, () -> Architectures.create("lenet", 10, 1, 1, 12)).getMessage());
    }

    @Test
    void weightsWithACardLoadAsTheRightArchitectureAndInputShape() throws Exception {
        for (String arch : List.of("lenet", "smallvgg")) {
            for (int[] input : new int[][]{{1, 28}, {3, 32}}) {
                Classifier c = Architectures.create(arch, 7, 1, input[0], input[1]);
                Trainer.initialize(c, 4);
                ModelCard card = new ModelCard(arch, List.of("a", "b", "c", "d", "e", "f", "g"), Normalization.HALF, input[0], input[1],
                        Map.of("dataset", "folder"));
                Path file = dir.resolve(arch + input[0] + ".safetensors");
                Map<String, INDArray> state = new LinkedHashMap<>();
                c.parameters().forEach((k, p) -> state.put(k, p.value()));
                try (OutputStream out = Files.newOutputStream(file)) {
                    SafetensorsFiles.write(out, state, card.toMetadata());
                }
                Classifier loaded = ModelLoader.load(ModelLoader.AUTO, file);
                assertEquals(arch, loaded.architecture());
                assertEquals(7, loaded.numClasses());
                assertEquals(input[0], loaded.inputChannels());
                c.parameters().forEach((k, p) -> assertEquals(p.value(), loaded.parameters().get(k).value(), arch + " " + k));
                assertEquals(card, ModelCard.read(file));
                assertEquals(new io.pixelgrad.zoo.images.Preprocessing(input[1], input[1], Normalization.HALF, input[0] == 1),
                        ModelCard.read(file).preprocessing());
            }
        }
    }

    @Test
    void cardsResolveClassNames() throws Exception {
        ModelCard card = new ModelCard("smallvgg", io.pixelgrad.zoo.data.DatasetKind.FASHION_MNIST.classes(), Normalization.FASHION_MNIST,
                1, 28, Map.of());
        assertEquals(9, card.resolveClass("ankle boot"));
        assertEquals(9, card.resolveClass("Ankle"));
        assertEquals(3, card.resolveClass("3"));
        assertEquals(1, card.resolveClass("trouser"));
        assertTrue(assertThrows(UnknownClassException.class, () -> card.resolveClass("s")).getMessage()
                .startsWith("class name 's' is ambiguous; this model's classes: 0 T-shirt/top, 1 Trouser"));
        assertEquals("class 12 out of range: the model has 10 classes",
                assertThrows(UnknownClassException.class, () -> card.resolveClass("12")).getMessage());
    }

    @Test
    void safetensorsKeepTheirTypesExactly() throws Exception {
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("f", Nd4j.createFromArray(1.5f, -2.25f, 1e-30f).reshape(1, 3));
        t.put("d", Nd4j.createFromArray(Math.PI, Math.E));
        t.put("n", Nd4j.scalar(42L));
        Path file = dir.resolve("x.safetensors");
        try (OutputStream out = Files.newOutputStream(file)) {
            SafetensorsFiles.write(out, t, Map.of("k", "v"));
        }
        SafetensorsFiles.Contents c = SafetensorsFiles.read(file);
        assertEquals(t.keySet(), c.tensors().keySet());
        assertEquals(DataType.FLOAT, c.tensors().get("f").dataType());
        assertEquals(t.get("f"), c.tensors().get("f"));
        assertEquals(Math.PI, c.tensors().get("d").getDouble(0), 0);
        assertEquals(42L, c.tensors().get("n").getLong(0));
        assertEquals(Map.of("k", "v"), c.metadata());
        long headerLength = java.nio.ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "the data area starts 8-byte aligned");
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 30));
        assertTrue(assertThrows(WeightsFormatException.class, () -> SafetensorsFiles.read(file)).getMessage().startsWith("weights " + file));
    }

    @Test
    void checkpointsRefuseAnotherRunsOptions() throws Exception {
        byte[] pixels = new byte[40 * 28 * 28];
        int[] labels = new int[40];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 10;
            pixels[i * 784 + i * 7 % 784] = (byte) 200;
        }
        io.pixelgrad.zoo.data.Dataset data = new io.pixelgrad.zoo.data.Dataset("tiny", pixels, labels, 1, 28, 28,
                io.pixelgrad.zoo.data.DatasetKind.MNIST.classes());
        TrainingOptions o = new TrainingOptions("lenet", 1, 20, "sgd", 0.01, 0.9, 0, "constant", Augmentation.NONE, 1, DataType.FLOAT);
        Classifier model = Architectures.create("lenet", 10, 1);
        Trainer.initialize(model, 1);
        Path file = dir.resolve("checkpoint.safetensors");
        try (Trainer t = new Trainer(model, data, data, Normalization.MNIST, o); OutputStream out = Files.newOutputStream(file)) {
            EpochStats s = t.epoch(0, (step, steps, loss, acc) -> { });
            assertEquals(0.01, s.lr(), 0);
            Checkpoint.of(t, 1, List.of(s), List.of(Snapshot.of(model, Nd4j.zeros(DataType.FLOAT, 1, 1, 28, 28)))).write(out);
        }
        Checkpoint c = Checkpoint.read(file);
        assertEquals(1, c.snapshots().size());
        assertArrayEquals(new long[]{20, 1, 5, 5}, c.snapshots().get(0).filters().shape());
        assertArrayEquals(new long[]{20, 24, 24}, c.snapshots().get(0).activations().shape());
        TrainingOptions other = new TrainingOptions("lenet", 1, 20, "sgd", 0.02, 0.9, 0, "constant", Augmentation.NONE, 1, DataType.FLOAT);
        try (Trainer t = new Trainer(Architectures.create("lenet", 10, 1), data, data, Normalization.MNIST, other)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.restore(t));
            assertTrue(e.getMessage().startsWith("the checkpoint was written by a run with other options"), e.getMessage());
        }
        Path notCheckpoint = dir.resolve("plain.safetensors");
        try (OutputStream out = Files.newOutputStream(notCheckpoint)) {
            SafetensorsFiles.write(out, Map.of("a", Nd4j.zeros(DataType.FLOAT, 2)), Map.of());
        }
        assertEquals("checkpoint " + notCheckpoint + ": not a pixelgrad training checkpoint",
                assertThrows(WeightsFormatException.class, () -> Checkpoint.read(notCheckpoint)).getMessage());
    }
}
