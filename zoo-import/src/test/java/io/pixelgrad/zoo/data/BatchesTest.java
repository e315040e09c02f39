package io.pixelgrad.zoo.data;

import io.pixelgrad.zoo.images.Normalization;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Batches: normalization, seeded shuffling, and crops and flips as torchvision defines them. */
class BatchesTest {

    private static Dataset ramp(int n) {
        byte[] pixels = new byte[n * 9];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int p = 0; p < 9; p++) pixels[i * 9 + p] = (byte) (i * 10 + p + 1);
        }
        return new Dataset("ramp", pixels, labels, 1, 3, 3, List.of("a", "b", "c"));
    }

    @Test
    void inOrderWithTheDataSetsNormalization() {
        Batches b = Batches.of(ramp(5), Normalization.MNIST).batchSize(2).build();
        assertEquals(3, b.count());
        try (Batch last = b.batch(2)) {
            assertArrayEquals(new long[]{1, 1, 3, 3}, last.images().shape());
            assertArrayEquals(new int[]{4}, last.indices());
            assertEquals(((float) 41 / 255f - 0.1307f) / 0.3081f, last.images().getFloat(0, 0, 0, 0), 0);
        }
        try (Batch d = Batches.of(ramp(5), Normalization.MNIST).dataType(DataType.DOUBLE).build().batch(0)) {
            assertEquals(DataType.DOUBLE, d.images().dataType());
            assertEquals((1 / 255.0 - 0.1307f) / 0.3081f, d.images().getDouble(0, 0, 0, 0), 1e-15);
        }
    }

    @Test
    void shufflingIsSeededAndAPermutation() {
        Dataset data = ramp(50);
        int[] a = order(Batches.of(data, Normalization.MNIST).batchSize(7).shuffle(1, 0).build());
        int[] again = order(Batches.of(data, Normalization.MNIST).batchSize(16).shuffle(1, 0).build());
        int[] nextEpoch = order(Batches.of(data, Normalization.MNIST).batchSize(7).shuffle(1, 1).build());
        assertArrayEquals(a, again, "the order does not depend on the batch size");
        assertFalse(java.util.Arrays.equals(a, nextEpoch), "every epoch has its own order");
        Set<Integer> seen = new HashSet<>();
        for (int i : a) seen.add(i);
        assertEquals(50, seen.size());
    }

    private static int[] order(Batches b) {
        int[] all = new int[b.dataset().size()];
        int k = 0;
        for (Batch batch : b) {
            try (batch) {
                for (int i : batch.indices()) all[k++] = i;
            }
        }
        return all;
    }

    @Test
    void cropAndFlipMoveAndMirrorTheImage() {
        // 1 2 3 / 4 5 6 / 7 8 9, padded by 1 with black, then cropped back to 3x3 at a random offset, maybe mirrored
        byte[] src = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Augmentation aug = new Augmentation(1, true);
        Set<String> outcomes = new HashSet<>();
        Random random = new Random(5);
        for (int t = 0; t < 400; t++) {
            byte[] dst = new byte[9];
            aug.apply(src, 0, dst, 0, 1, 3, 3, random);
            outcomes.add(java.util.Arrays.toString(dst));
        }
        assertEquals(18, outcomes.size(), "9 offsets x 2 mirrorings: " + outcomes);
        assertFalse(outcomes.contains(java.util.Arrays.toString(new byte[9])));
        org.junit.jupiter.api.Assertions.assertTrue(outcomes.contains("[3, 2, 1, 6, 5, 4, 9, 8, 7]"), "plain mirror");
        org.junit.jupiter.api.Assertions.assertTrue(outcomes.contains("[0, 0, 0, 0, 1, 2, 0, 4, 5]"), "shifted down-right with black fill");
        byte[] same = new byte[9];
        Augmentation.NONE.apply(src, 0, same, 0, 1, 3, 3, random);
        assertArrayEquals(src, same);
    }

    @Test
    void augmentedBatchesRepeatForASeedAndEpoch() {
        Dataset data = ramp(20);
        Batches a = Batches.of(data, Normalization.MNIST).batchSize(8).shuffle(3, 2).augment(new Augmentation(1, true)).build();
        Batches b = Batches.of(data, Normalization.MNIST).batchSize(8).shuffle(3, 2).augment(new Augmentation(1, true)).build();
        Batches c = Batches.of(data, Normalization.MNIST).batchSize(8).shuffle(3, 3).augment(new Augmentation(1, true)).build();
        try (Batch x = a.batch(1); Batch y = b.batch(1); Batch z = c.batch(1)) {
            assertEquals(x.images(), y.images());
            assertNotEquals(x.images(), z.images());
        }
    }
}
