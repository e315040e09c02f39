package io.pixelgrad.vis.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * How active each unit (channel) of a layer is over a data set: how many of its activations (every position of every
 * image) are positive, its largest and its mean activation. A unit is dead when it is never positive (after a ReLU it
 * passes nothing, for any image of the set) and always on when it is positive everywhere (its ReLU never cuts: it
 * acts linearly on this data).
 */
public final class UnitStats {

    private final String layer;
    private final int channels;
    private final long[] positive, count;
    private final double[] max, sum;

    UnitStats(String layer, int channels) {
        this.layer = layer;
        this.channels = channels;
        this.positive = new long[channels];
        this.count = new long[channels];
        this.max = new double[channels];
        this.sum = new double[channels];
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    /** Adds one image's activations of channel c (called by the pass, images in data-set order). */
    void add(int c, double[] plane, int length) {
        long pos = 0;
        double s = 0, m = max[c];
        for (int p = 0; p < length; p++) {
            double v = plane[p];
            if (v > 0) pos++;
            if (v > m) m = v;
            s += v;
        }
        positive[c] += pos;
        count[c] += length;
        sum[c] += s;
        max[c] = m;
    }

    /** The layer's name. */
    public String layer() {
        return layer;
    }

    /** Units (channels) of the layer. */
    public int channels() {
        return channels;
    }

    /** Activations of unit c that were above zero. */
    public long positive(int c) {
        return positive[c];
    }

    /** Activations of unit c seen (images x positions). */
    public long count(int c) {
        return count[c];
    }

    /** The fraction of unit c's activations above zero. */
    public double activeFraction(int c) {
        return count[c] == 0 ? 0 : (double) positive[c] / count[c];
    }

    /** Unit c's largest activation. */
    public double max(int c) {
        return max[c];
    }

    /** Unit c's mean activation. */
    public double mean(int c) {
        return count[c] == 0 ? 0 : sum[c] / count[c];
    }

    /** Units never above zero. */
    public List<Integer> dead() {
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < channels; c++) if (count[c] > 0 && positive[c] == 0) out.add(c);
        return out;
    }

    /** Units above zero at every position of every image. */
    public List<Integer> alwaysOn() {
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < channels; c++) if (count[c] > 0 && positive[c] == count[c]) out.add(c);
        return out;
    }
}
