package io.pixelgrad.zoo.images;

/**
 * An 8-bit RGB image in row-major, interleaved order (r, g, b per pixel), the form PIL hands to torchvision after
 * {@code convert("RGB")}. Keeping the 8-bit samples lets preprocessing reproduce PIL's integer arithmetic exactly.
 */
public record RgbImage(int width, int height, byte[] rgb) {

    /** Checks that the sample array holds exactly width * height * 3 bytes. */
    public RgbImage {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        if (rgb.length != (long) width * height * 3)
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs " + (long) width * height * 3
                    + " samples, not " + rgb.length);
    }

    /** Sample of channel c (0 = red, 1 = green, 2 = blue) at column x, row y, as 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }
}
