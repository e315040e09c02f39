package io.pixelgrad.vis.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * The k best (image, position, value) entries offered so far, in O(k) memory: a binary min-heap whose root is the
 * worst entry kept, so most offers are one comparison with the root. "Better" is a larger value; equal values go to
 * the smaller image index, then the smaller position, so the result does not depend on the order of offers. NaN
 * values are never kept.
 */
final class TopKHeap {

    private final int k;
    private final double[] values;
    private final int[] images, positions;
    private int size;

    TopKHeap(int k) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, not " + k);
        this.k = k;
        this.values = new double[k];
        this.images = new int[k];
        this.positions = new int[k];
    }

    /** Whether (v, image, position) ranks above (w, image2, position2). */
    static boolean better(double v, int image, int position, double w, int image2, int position2) {
        if (v != w) return v > w;
        if (image != image2) return image < image2;
        return position < position2;
    }

    /** Offers an entry; keeps it if it is among the k best so far. */
    void offer(double value, int image, int position) {
        if (Double.isNaN(value)) return;
        if (size < k) {
            int i = size++;
            set(i, value, image, position);
            siftUp(i);
        } else if (better(value, image, position, values[0], images[0], positions[0])) {
            set(0, value, image, position);
            siftDown(0);
        }
    }

    /** Entries kept. */
    int size() {
        return size;
    }

    /** The entries best first, positions decoded with the layer's width. */
    List<Hit> sorted(int width) {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> better(values[a], images[a], positions[a], values[b], images[b], positions[b]) ? -1
                : better(values[b], images[b], positions[b], values[a], images[a], positions[a]) ? 1 : 0);
        List<Hit> out = new ArrayList<>(size);
        for (int i : order) out.add(new Hit(images[i], positions[i] / width, positions[i] % width, values[i]));
        return out;
    }

    private void set(int i, double value, int image, int position) {
        values[i] = value;
        images[i] = image;
        positions[i] = position;
    }

    private boolean worse(int a, int b) {
        return better(values[b], images[b], positions[b], values[a], images[a], positions[a]);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!worse(i, parent)) return;
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1, r = l + 1, worst = i;
            if (l < size && worse(l, worst)) worst = l;
            if (r < size && worse(r, worst)) worst = r;
            if (worst == i) return;
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        double v = values[a];
        values[a] = values[b];
        values[b] = v;
        int t = images[a];
        images[a] = images[b];
        images[b] = t;
        t = positions[a];
        positions[a] = positions[b];
        positions[b] = t;
    }
}
