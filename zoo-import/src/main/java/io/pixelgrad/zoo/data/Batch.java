package io.pixelgrad.zoo.data;

import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One batch of a data set: normalized images [N, C, H, W], their labels, and which images of the data set they are.
 * The batch owns its array: close it (or dup what must outlive it) to free the off-heap memory at once.
 */
public record Batch(INDArray images, int[] labels, int[] indices) implements AutoCloseable {

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** Frees the images array. */
    @Override
    public void close() {
        Arrays.release(images);
    }
}
