package io.pixelgrad.vis.dataset;

import java.util.List;

/**
 * A layer's top-k per unit over a data set: for every channel, the k images whose strongest response in that channel
 * is largest, each with the position of that response (the first position, row-major, when an image has several
 * equal maxima) and its value. Ties between images go to the smaller image index. For a fully connected layer a unit
 * is one output feature and the position is (0, 0).
 */
public final class TopUnits {

    private final String layer;
    private final int k, channels, height, width;
    private final TopKHeap[] heaps;

    TopUnits(String layer, int k, int channels, int height, int width) {
        this.layer = layer;
        this.k = k;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.heaps = new TopKHeap[channels];
        for (int c = 0; c < channels; c++) heaps[c] = new TopKHeap(k);
    }

    /** Offers image's strongest response in channel c (called by the pass; one call per image and channel). */
    void offer(int c, double value, int image, int position) {
        heaps[c].offer(value, image, position);
    }

    /** The layer's name. */
    public String layer() {
        return layer;
    }

    /** The k asked for (a channel holds fewer when the data set is smaller). */
    public int k() {
        return k;
    }

    /** Channels (units) of the layer. */
    public int channels() {
        return channels;
    }

    /** Height of the layer's output (1 for fully connected layers). */
    public int height() {
        return height;
    }

    /** Width of the layer's output (1 for fully connected layers). */
    public int width() {
        return width;
    }

    /** Channel c's top entries, best first. */
    public List<Hit> top(int c) {
        if (c < 0 || c >= channels)
            throw new IllegalArgumentException("channel " + c + " out of range: layer " + layer + " has " + channels + " channels");
        return heaps[c].sorted(width);
    }
}
