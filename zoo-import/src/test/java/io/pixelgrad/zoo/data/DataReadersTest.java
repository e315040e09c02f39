package io.pixelgrad.zoo.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data set readers on small files written here (the real data sets are checked in the tests module). */
class DataReadersTest {

    @TempDir
    Path dir;

    /** An IDX file: magic 0x0000080R, sizes, samples. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(0x800 | dims.length);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }

    /** Writes n images of 4x3 (pixel value = image * 16 + position) and labels i % 10 as an MNIST-style split. */
    static void writeMnist(Path dir, String prefix, int n, boolean gz) throws IOException {
        byte[] images = new byte[n * 12], labels = new byte[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 12; p++) images[i * 12 + p] = (byte) (i * 16 + p);
            labels[i] = (byte) (i % 10);
        }
        byte[] im = idx(new int[]{n, 4, 3}, images), lb = idx(new int[]{n}, labels);
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + (gz ? ".gz" : "")), gz ? gzip(im) : im);
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + (gz ? ".gz" : "")), gz ? gzip(lb) : lb);
    }

    @Test
    void idxFilesGzippedOrNot() throws Exception {
        writeMnist(dir, "train", 7, true);
        writeMnist(dir, "t10k", 5, false);
        Dataset train = DatasetKind.MNIST.load(dir, true, 1, 28, w -> { });
        Dataset test = DatasetKind.FASHION_MNIST.load(dir, false, 1, 28, w -> { });
        assertEquals(7, train.size());
        assertEquals(5, test.size());
        assertEquals(4, train.height());
        assertEquals(3, train.width());
        assertEquals(1, train.channels());
        assertEquals(6, train.label(6));
        assertEquals("Ankle boot", test.classes().get(9));
        byte[] img = new byte[12];
        train.copyImage(2, img, 0);
        for (int p = 0; p < 12; p++) assertEquals((byte) (32 + p), img[p]);
    }

    @Test
    void badIdxFilesAreOneLineErrors() throws Exception {
        writeMnist(dir, "train", 4, false);
        Path images = dir.resolve("train-images-idx3-ubyte"), labels = dir.resolve("train-labels-idx1-ubyte");
        // a labels file that counts more labels than there are images
        Files.write(labels, idx(new int[]{5}, new byte[5]));
        assertMessage("mnist train: train-images-idx3-ubyte holds 4 images but train-labels-idx1-ubyte holds 5 labels");
        Files.write(labels, idx(new int[]{4}, new byte[]{0, 1, 12, 3}));
        assertMessage("mnist train: train-labels-idx1-ubyte: label 12 of image 2 is not one of the 10 classes");
        writeMnist(dir, "train", 4, false);
        byte[] full = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(full, full.length - 5));
        assertMessage("images file " + images + ": truncated (sizes [4, 4, 3] need 48 bytes of samples)");
        Files.write(images, java.util.Arrays.copyOf(full, 10));
        assertMessage("images file " + images + ": truncated header");
        Files.write(images, labelsLike());
        assertMessage("images file " + images + ": not an IDX images file (magic number 0x00000801, expected 0x00000803)");
        Files.write(images, new byte[]{0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetKind.MNIST.load(dir, true, 1, 28, w -> { }));
        assertTrue(e.getMessage().startsWith("images file " + images + ": "), e.getMessage());
        Files.delete(images);
        assertMessage("mnist data " + dir + ": no train-images-idx3-ubyte[.gz] (the train split's IDX files)");
        assertEquals("mnist data " + dir.resolve("nowhere") + ": no such directory", assertThrows(DatasetException.class,
                () -> DatasetKind.MNIST.load(dir.resolve("nowhere"), true, 1, 28, w -> { })).getMessage());
    }

    private static byte[] labelsLike() {
        return idx(new int[]{4}, new byte[4]);
    }

    private void assertMessage(String expected) {
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetKind.MNIST.load(dir, true, 1, 28, w -> { }));
        assertEquals(expected, e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void cifarBinaryBatches() throws Exception {
        Path root = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        for (int f = 1; f <= 5; f++) Files.write(root.resolve("data_batch_" + f + ".bin"), cifarRecords(2, f));
        Files.write(root.resolve("test_batch.bin"), cifarRecords(3, 9));
        Dataset train = Cifar10.read(dir, true), test = Cifar10.read(dir, false);
        assertEquals(10, train.size());
        assertEquals(3, test.size());
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        assertEquals("truck", train.classes().get(9));
        assertEquals(3, train.label(4));   // batch 3, record 0
        byte[] img = new byte[3 * 32 * 32];
        test.copyImage(1, img, 0);
        assertEquals((byte) 11, img[0]);                // red plane starts with the record's first sample
        assertEquals((byte) (11 + 2), img[32 * 32 * 2]); // blue plane
        Files.write(root.resolve("test_batch.bin"), java.util.Arrays.copyOf(cifarRecords(1, 0), 3000));
        assertEquals("CIFAR-10 batch " + root.resolve("test_batch.bin") + ": 3000 bytes is not a whole number of 3073-byte"
                + " records (truncated or not the binary version)", assertThrows(DatasetException.class, () -> Cifar10.read(dir, false)).getMessage());
        Files.delete(root.resolve("data_batch_4.bin"));
        assertTrue(assertThrows(DatasetException.class, () -> Cifar10.read(dir, true)).getMessage()
                .startsWith("CIFAR-10 batch " + root.resolve("data_batch_4.bin") + ": no such file"));
    }

    /** n records: label = batch number, red samples = 10 + record + batch, green = red + 1, blue = red + 2. */
    private static byte[] cifarRecords(int n, int batch) {
        byte[] b = new byte[n * 3073];
        for (int r = 0; r < n; r++) {
            b[r * 3073] = (byte) batch;
            for (int c = 0; c < 3; c++)
                java.util.Arrays.fill(b, r * 3073 + 1 + c * 1024, r * 3073 + 1 + (c + 1) * 1024, (byte) (10 + r + (batch == 9 ? 0 : batch) + c));
        }
        return b;
    }

    @Test
    void imageFolderSkipsUnreadableImagesWithAWarning() throws Exception {
        Path train = dir.resolve("train");
        for (String c : List.of("cat", "ant")) Files.createDirectories(train.resolve(c));
        png(train.resolve("ant/a.png"), 40, 30, 0xff0000);
        png(train.resolve("ant/b.png"), 28, 28, 0x00ff00);
        png(train.resolve("cat/c.png"), 50, 60, 0x0000ff);
        Files.writeString(train.resolve("cat/broken.png"), "not a png");
        Files.writeString(train.resolve("cat/notes.txt"), "ignored: not an image extension");
        Files.createDirectories(dir.resolve("test/ant"));
        Files.createDirectories(dir.resolve("test/cat"));
        png(dir.resolve("test/ant/x.png"), 28, 28, 0xffffff);
        List<String> warnings = new ArrayList<>();
        Dataset grey = DatasetKind.FOLDER.load(dir, true, 1, 28, warnings::add);
        assertEquals(List.of("ant", "cat"), grey.classes());
        assertEquals(3, grey.size());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("skipping " + train.resolve("cat/broken.png") + ": "), warnings.get(0));
        assertEquals("1 unreadable image(s) skipped in " + train, warnings.get(1));
        assertArrayEquals(new int[]{2, 1}, grey.classCounts());
        byte[] img = new byte[28 * 28];
        grey.copyImage(0, img, 0);
        assertEquals(76, img[0] & 0xff);   // pure red's luminance, (255 * 19595 + 32768) >> 16
        Dataset rgb = DatasetKind.FOLDER.load(dir, false, 3, 16, w -> { });
        assertEquals(3, rgb.channels());
        assertEquals(16, rgb.width());
        assertEquals("image folder " + dir.resolve("nowhere") + ": no such directory", assertThrows(DatasetException.class,
                () -> ImageFolder.read(dir.resolve("nowhere"), "x", 1, 28, w -> { })).getMessage());
    }

    private static void png(Path file, int w, int h, int rgb) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        ImageIO.write(img, "png", file.toFile());
    }
}
