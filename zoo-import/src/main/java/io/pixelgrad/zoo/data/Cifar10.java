package io.pixelgrad.zoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10's binary version (cifar-10-batches-bin): data_batch_1.bin to data_batch_5.bin for training and
 * test_batch.bin for testing, each a sequence of 3073-byte records (one label byte, then 32x32 red, green and blue
 * planes). Class names come from batches.meta.txt when present.
 */
final class Cifar10 {

    /** CIFAR-10's classes in label order. */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");
    private static final int SIDE = 32, RECORD = 1 + 3 * SIDE * SIDE;

    private Cifar10() {
    }

    /**
     * Reads the training or the test batches from a directory (or its cifar-10-batches-bin sub-directory, as the
     * archive unpacks).
     *
     * @throws DatasetException if a batch file is missing or damaged
     */
    public static Dataset read(Path dir, boolean train) throws DatasetException {
        Path root = Files.isDirectory(dir.resolve("cifar-10-batches-bin")) ? dir.resolve("cifar-10-batches-bin") : dir;
        List<Path> files = new ArrayList<>();
        if (train) for (int i = 1; i <= 5; i++) files.add(root.resolve("data_batch_" + i + ".bin"));
        else files.add(root.resolve("test_batch.bin"));
        List<String> classes = classes(root);
        List<byte[]> contents = new ArrayList<>();
        int images = 0;
        for (Path f : files) {
            byte[] b;
            try {
                b = Files.readAllBytes(f);
            } catch (NoSuchFileException e) {
                throw new DatasetException("CIFAR-10 batch " + f + ": no such file (expected data_batch_1.bin to"
                        + " data_batch_5.bin and test_batch.bin of the binary version)", e);
            } catch (IOException e) {
                throw new DatasetException("CIFAR-10 batch " + f + ": cannot read (" + e.getMessage() + ")", e);
            }
            if (b.length == 0 || b.length % RECORD != 0)
                throw new DatasetException("CIFAR-10 batch " + f + ": " + b.length + " bytes is not a whole number of "
                        + RECORD + "-byte records (truncated or not the binary version)");
            contents.add(b);
            images += b.length / RECORD;
        }
        byte[] pixels = new byte[images * (RECORD - 1)];
        int[] labels = new int[images];
        int k = 0;
        for (int fi = 0; fi < contents.size(); fi++) {
            byte[] b = contents.get(fi);
            for (int r = 0; r < b.length / RECORD; r++, k++) {
                labels[k] = b[r * RECORD] & 0xff;
                if (labels[k] >= classes.size())
                    throw new DatasetException("CIFAR-10 batch " + files.get(fi) + ": label " + labels[k] + " of record " + r
                            + " is not one of the " + classes.size() + " classes");
                System.arraycopy(b, r * RECORD + 1, pixels, k * (RECORD - 1), RECORD - 1);
            }
        }
        return new Dataset("cifar10 " + (train ? "train" : "test"), pixels, labels, 3, SIDE, SIDE, classes);
    }

    private static List<String> classes(Path root) throws DatasetException {
        Path meta = root.resolve("batches.meta.txt");
        if (!Files.isRegularFile(meta)) return CLASSES;
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(meta)) if (!line.isBlank()) names.add(line.strip());
        } catch (IOException e) {
            throw new DatasetException("CIFAR-10 class names " + meta + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (names.isEmpty()) throw new DatasetException("CIFAR-10 class names " + meta + ": empty file");
        return names;
    }
}
