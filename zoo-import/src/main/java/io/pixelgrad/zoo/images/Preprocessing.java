package io.pixelgrad.zoo.images;

import io.pixelgrad.engine.Interpolation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The standard ImageNet input pipeline of torchvision ({@code Resize(256)}, {@code CenterCrop(224)}, {@code ToTensor},
 * {@code Normalize}) reproduced number for number.
 *
 * <p>The resize is PIL's antialiased bilinear filter (the engine's {@link Interpolation#antialiasedBilinear} weights)
 * with PIL's 8-bit arithmetic: weights rounded to 22-bit fixed point, a horizontal pass rounded and clipped to 8 bits,
 * then a vertical pass likewise. Doing the same integer steps is what makes the output equal torchvision's instead of
 * differing by about 1/255 here and there.
 *
 * @param resize    length of the shorter side after resizing (torchvision's {@code Resize(int)}); 0 keeps the image size
 * @param crop      side of the centred square crop; 0 keeps the whole (resized) image
 * @param normalize how samples become network values
 * @param grey      one grey channel (PIL's {@code convert("L")}) instead of three colour channels: small networks
 *                  trained on MNIST-like data
 */
public record Preprocessing(int resize, int crop, Normalization normalize, boolean grey) {

    /** PIL's fixed-point precision for 8-bit resampling (32 bits minus 8 for the sample minus 2 of headroom). */
    private static final int PRECISION_BITS = 22;
    /** The most entries of one resize weight matrix (256 MB of doubles). */
    private static final long MAX_WEIGHTS = 1L << 25;

    /** Validates the sizes. */
    public Preprocessing {
        if (resize < 0 || crop < 0) throw new IllegalArgumentException("resize and crop sizes must be >= 0");
        if (normalize == null) throw new IllegalArgumentException("a normalization preset is required");
    }

    /** Three colour channels. */
    public Preprocessing(int resize, int crop, Normalization normalize) {
        this(resize, crop, normalize, false);
    }

    /** Resize 256, centre-crop 224 and the given normalization: what ImageNet classifiers expect. */
    public static Preprocessing standard(Normalization normalize) {
        return new Preprocessing(256, 224, normalize);
    }

    /** The whole pipeline: a [1, 3, crop, crop] float32 tensor ([1, 1, crop, crop] when grey). */
    public INDArray apply(RgbImage image) {
        return toTensor(centerCrop(resizeShorterSide(image)));
    }

    /** Resizes so that the shorter side is {@link #resize()} (the longer side truncated, as torchvision computes it). */
    public RgbImage resizeShorterSide(RgbImage image) {
        int w = image.width(), h = image.height();
        if (resize == 0 || Math.min(w, h) == resize) return image;
        int newW, newH;
        if (w <= h) {
            newW = resize;
            newH = (int) ((double) resize * h / w);
        } else {
            newH = resize;
            newW = (int) ((double) resize * w / h);
        }
        return resize(image, newW, newH);
    }

    /** PIL's {@code Image.resize(size, BILINEAR)} on an 8-bit RGB image: horizontal pass, then vertical, each rounded. */
    public static RgbImage resize(RgbImage image, int newW, int newH) {
        if (newW <= 0 || newH <= 0) throw new IllegalArgumentException("cannot resize to " + newW + "x" + newH);
        int w = image.width(), h = image.height();
        // A very elongated image resized by its shorter side (1x100000 to 256x25600000) would need gigabytes, and so
        // would the dense weight matrices (new x old samples, 8 bytes each) of a wide panorama.
        if ((long) newW * newH > Images.MAX_PIXELS || (long) newW * h > Images.MAX_PIXELS
                || (long) newW * w > MAX_WEIGHTS || (long) newH * h > MAX_WEIGHTS)
            throw new IllegalArgumentException("resizing the " + w + "x" + h + " image to " + newW + "x" + newH
                    + " needs too much memory (the image is too large or too elongated)");
        byte[] horizontal = new byte[Math.multiplyExact(newW, h) * 3];
        FixedPointWeights wx = FixedPointWeights.of(Interpolation.antialiasedBilinear(w, newW));
        byte[] src = image.rgb();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < newW; x++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int k = 0; k < wx.count[x]; k++)
                        sum += (src[(y * w + wx.first[x] + k) * 3 + c] & 0xff) * wx.weights[x][k];
                    horizontal[(y * newW + x) * 3 + c] = clip8(sum);
                }
            }
        }
        byte[] out = new byte[Math.multiplyExact(newW, newH) * 3];
        FixedPointWeights wy = FixedPointWeights.of(Interpolation.antialiasedBilinear(h, newH));
        for (int y = 0; y < newH; y++) {
            for (int x = 0; x < newW; x++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int k = 0; k < wy.count[y]; k++)
                        sum += (horizontal[((wy.first[y] + k) * newW + x) * 3 + c] & 0xff) * wy.weights[y][k];
                    out[(y * newW + x) * 3 + c] = clip8(sum);
                }
            }
        }
        return new RgbImage(newW, newH, out);
    }

    private static byte clip8(int sum) {
        if (sum <= 0) return 0;
        if (sum >= (1 << PRECISION_BITS << 8)) return (byte) 255;
        return (byte) (sum >> PRECISION_BITS);
    }

    /** Each output sample's run of non-zero input weights, rounded to fixed point as PIL rounds them. */
    private record FixedPointWeights(int[] first, int[] count, int[][] weights) {
        static FixedPointWeights of(double[][] matrix) {
            int n = matrix.length;
            int[] first = new int[n], count = new int[n];
            int[][] weights = new int[n][];
            for (int i = 0; i < n; i++) {
                double[] row = matrix[i];
                int lo = 0, hi = row.length - 1;
                while (lo < hi && row[lo] == 0) lo++;
                while (hi > lo && row[hi] == 0) hi--;
                first[i] = lo;
                count[i] = hi - lo + 1;
                weights[i] = new int[count[i]];
                for (int k = 0; k < count[i]; k++) {
                    double v = row[lo + k] * (1 << PRECISION_BITS);
                    weights[i][k] = (int) (v < 0 ? v - 0.5 : v + 0.5);
                }
            }
            return new FixedPointWeights(first, count, weights);
        }
    }

    /**
     * The centred crop of torchvision's {@code CenterCrop}: offsets round((size - crop) / 2) with Python's
     * round-half-to-even, so a 117-pixel margin starts at 58, not 59.
     */
    public RgbImage centerCrop(RgbImage image) {
        if (crop == 0) return image;
        int w = image.width(), h = image.height();
        if (crop > w || crop > h)
            throw new IllegalArgumentException("crop " + crop + " is larger than the resized image " + w + "x" + h
                    + "; use a resize of at least the crop size");
        int top = (int) Math.rint((h - crop) / 2.0);
        int left = (int) Math.rint((w - crop) / 2.0);
        byte[] out = new byte[crop * crop * 3];
        for (int y = 0; y < crop; y++)
            System.arraycopy(image.rgb(), ((top + y) * w + left) * 3, out, y * crop * 3, crop * 3);
        return new RgbImage(crop, crop, out);
    }

    /**
     * Normalizes an 8-bit image into a [1, 3, H, W] float32 tensor (channel order given by the preset), or [1, 1, H, W]
     * of its luminance when grey.
     */
    public INDArray toTensor(RgbImage image) {
        int w = image.width(), h = image.height();
        if (grey) {
            float[] v = new float[w * h];
            byte[] rgb = image.rgb();
            for (int i = 0; i < w * h; i++)
                v[i] = normalize.apply(Normalization.luminance(rgb[i * 3] & 0xff, rgb[i * 3 + 1] & 0xff, rgb[i * 3 + 2] & 0xff), 0);
            return Nd4j.create(v, new long[]{1, 1, h, w}, 'c');
        }
        float[] v = new float[3 * w * h];
        byte[] rgb = image.rgb();
        for (int c = 0; c < 3; c++) {
            int source = normalize.sourceChannel(c);
            for (int i = 0; i < w * h; i++) v[c * w * h + i] = normalize.apply(rgb[i * 3 + source] & 0xff, c);
        }
        return Nd4j.create(v, new long[]{1, 3, h, w}, 'c');
    }
}
