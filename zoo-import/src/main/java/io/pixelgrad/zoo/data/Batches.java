package io.pixelgrad.zoo.data;

import io.pixelgrad.zoo.images.Normalization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * A data set as a sequence of normalized batches, like torch's DataLoader: in order, or shuffled by a seeded
 * permutation; optionally augmented (each image with its own random crop and flip). The same seed and epoch always
 * give the same batches. Iterating creates each batch on demand; closing a batch frees it.
 */
public final class Batches implements Iterable<Batch> {

    private final Dataset data;
    private final int batchSize;
    private final Normalization normalization;
    private final DataType dataType;
    private final int[] order;
    private final Augmentation augmentation;
    private final long augmentationSeed;

    private Batches(Builder b) {
        this.data = b.data;
        this.batchSize = b.batchSize;
        this.normalization = b.normalization;
        this.dataType = b.dataType;
        this.augmentation = b.augmentation;
        this.augmentationSeed = Seeds.derive(b.seed, "augment", b.epoch);
        this.order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (b.shuffle) {
            // Fisher-Yates with a generator of its own for this epoch.
            Random r = Seeds.random(b.seed, "shuffle", b.epoch);
            for (int i = order.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
    }

    /** Starts batches over a data set: in order, batch size 64, float32, no augmentation, until told otherwise. */
    public static Builder of(Dataset data, Normalization normalization) {
        return new Builder(data, normalization);
    }

    /** Number of batches (the last one may be smaller). */
    public int count() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    /** The data set. */
    public Dataset dataset() {
        return data;
    }

    /** The k-th batch (its images are normalized and, when asked for, augmented). */
    public Batch batch(int k) {
        if (k < 0 || k >= count()) throw new IndexOutOfBoundsException("batch " + k + " of " + count());
        int from = k * batchSize, n = Math.min(batchSize, data.size() - from);
        int c = data.channels(), h = data.height(), w = data.width(), size = data.imageSize();
        byte[] raw = new byte[n * size];
        int[] labels = new int[n], indices = new int[n];
        byte[] one = augmentation.active() ? new byte[size] : null;
        for (int i = 0; i < n; i++) {
            int index = order[from + i];
            indices[i] = index;
            labels[i] = data.label(index);
            if (one == null) {
                data.copyImage(index, raw, i * size);
            } else {
                // Each image's own generator: its crop and flip do not depend on the batch size or position.
                data.copyImage(index, one, 0);
                augmentation.apply(one, 0, raw, i * size, c, h, w, new Random(Seeds.derive(augmentationSeed, "image", index)));
            }
        }
        long[] shape = {n, c, h, w};
        if (dataType == DataType.DOUBLE) {
            double[] v = new double[raw.length];
            float[] mean = normalization.mean(), std = normalization.std();
            for (int i = 0; i < v.length; i++) {
                int ch = (i / (h * w)) % c;
                v[i] = ((raw[i] & 0xff) / 255.0 - mean[ch]) / std[ch];
            }
            return new Batch(Nd4j.create(v, shape, 'c'), labels, indices);
        }
        float[][] table = new float[c][256];
        for (int ch = 0; ch < c; ch++) for (int s = 0; s < 256; s++) table[ch][s] = normalization.apply(s, ch);
        float[] v = new float[raw.length];
        for (int i = 0; i < v.length; i++) v[i] = table[(i / (h * w)) % c][raw[i] & 0xff];
        return new Batch(Nd4j.create(v, shape, 'c'), labels, indices);
    }

    @Override
    public Iterator<Batch> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count();
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                return batch(next++);
            }
        };
    }

    /** Options of {@link Batches}. */
    public static final class Builder {
        private final Dataset data;
        private final Normalization normalization;
        private int batchSize = 64;
        private DataType dataType = DataType.FLOAT;
        private boolean shuffle;
        private long seed, epoch;
        private Augmentation augmentation = Augmentation.NONE;

        private Builder(Dataset data, Normalization normalization) {
            this.data = data;
            this.normalization = normalization;
        }

        /** Images per batch. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, not " + batchSize);
            this.batchSize = batchSize;
            return this;
        }

        /** float32 (default) or float64 images. */
        public Builder dataType(DataType dataType) {
            if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE)
                throw new IllegalArgumentException("batches are float32 or float64, not " + dataType);
            this.dataType = dataType;
            return this;
        }

        /** Shuffles with the permutation of (seed, epoch) and augments with that epoch's random crops and flips. */
        public Builder shuffle(long seed, long epoch) {
            this.shuffle = true;
            this.seed = seed;
            this.epoch = epoch;
            return this;
        }

        /** Augments every image (random draws from the seed and epoch given to {@link #shuffle}, else seed 0). */
        public Builder augment(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /** The batches. */
        public Batches build() {
            return new Batches(this);
        }
    }
}
