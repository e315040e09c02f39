package io.pixelgrad.zoo.data;

import io.pixelgrad.zoo.images.RgbImage;

import java.util.List;

/**
 * Labelled images held in memory as 8-bit samples, each image channel-major ([C, H, W], row-major within a channel):
 * MNIST's 60,000 training images take 47 MB. All images share one size; labels index {@link #classes()}.
 */
public final class Dataset {

    private final String name;
    private final byte[] pixels;
    private final int[] labels;
    private final int channels, height, width;
    private final List<String> classes;

    /** Wraps pixels [N, C, H, W] and labels [N] (arrays are kept, not copied). */
    public Dataset(String name, byte[] pixels, int[] labels, int channels, int height, int width, List<String> classes) {
        if (channels < 1 || height < 1 || width < 1) throw new IllegalArgumentException("image size must be positive");
        if ((long) labels.length * channels * height * width != pixels.length)
            throw new IllegalArgumentException(name + ": " + pixels.length + " samples for " + labels.length + " images of "
                    + channels + "x" + height + "x" + width);
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= classes.size())
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i + " is not one of "
                        + classes.size() + " classes");
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = List.copyOf(classes);
    }

    /** What the data is, e.g. "fashion-mnist test" (for messages and train.json). */
    public String name() {
        return name;
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** Channels per image (1 grey, 3 RGB). */
    public int channels() {
        return channels;
    }

    /** Image height. */
    public int height() {
        return height;
    }

    /** Image width. */
    public int width() {
        return width;
    }

    /** Class names by label. */
    public List<String> classes() {
        return classes;
    }

    /** The label of image i. */
    public int label(int i) {
        return labels[i];
    }

    /** Samples per image (C * H * W). */
    public int imageSize() {
        return channels * height * width;
    }

    /** Copies image i's samples ([C, H, W]) into dst at offset. */
    public void copyImage(int i, byte[] dst, int offset) {
        System.arraycopy(pixels, i * imageSize(), dst, offset, imageSize());
    }

    /** Image i as 8-bit RGB (grey copied to all three channels), for saving samples and drawing. */
    public RgbImage rgbImage(int i) {
        int plane = height * width, base = i * imageSize();
        byte[] rgb = new byte[plane * 3];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) rgb[p * 3 + c] = pixels[base + (channels == 1 ? 0 : c) * plane + p];
        return new RgbImage(width, height, rgb);
    }

    /** The first n images (all if there are fewer), e.g. for quick runs and tests. */
    public Dataset first(int n) {
        int k = Math.min(n, size());
        byte[] p = java.util.Arrays.copyOf(pixels, k * imageSize());
        return new Dataset(name, p, java.util.Arrays.copyOf(labels, k), channels, height, width, classes);
    }

    /** How many images each class has. */
    public int[] classCounts() {
        int[] counts = new int[classes.size()];
        for (int l : labels) counts[l]++;
        return counts;
    }
}
