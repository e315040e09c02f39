package io.pixelgrad.zoo.data;

import java.util.Random;

/**
 * Training-time augmentation on 8-bit images, as torchvision's {@code RandomCrop(size, padding)} followed by
 * {@code RandomHorizontalFlip()}: the image is padded with black on every side, a window of the original size is cut
 * at a random offset, and it is mirrored left-right with probability 1/2 (only where that makes sense: clothes and
 * photographs, not digits).
 *
 * @param padding pixels of black added on each side before the random crop (0: no crop)
 * @param flip    whether to mirror half of the images
 */
public record Augmentation(int padding, boolean flip) {

    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(0, false);

    /** Checks the padding. */
    public Augmentation {
        if (padding < 0) throw new IllegalArgumentException("padding must be >= 0, not " + padding);
    }

    /** Whether this changes anything. */
    public boolean active() {
        return padding > 0 || flip;
    }

    /**
     * Writes an augmented copy of the image [c, h, w] at src[srcOffset] to dst[dstOffset], drawing the crop offsets
     * (when padding) and then the flip (when flipping) from random, in that order.
     */
    public void apply(byte[] src, int srcOffset, byte[] dst, int dstOffset, int c, int h, int w, Random random) {
        int dy = padding > 0 ? random.nextInt(2 * padding + 1) - padding : 0;
        int dx = padding > 0 ? random.nextInt(2 * padding + 1) - padding : 0;
        boolean mirror = flip && random.nextDouble() < 0.5;
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    int sx = (mirror ? w - 1 - x : x) + dx;
                    dst[dstOffset + plane + y * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0
                            : src[srcOffset + plane + sy * w + sx];
                }
            }
        }
    }
}
