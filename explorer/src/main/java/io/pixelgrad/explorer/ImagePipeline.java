package io.pixelgrad.explorer;

import io.pixelgrad.vis.Passes;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.images.RgbImage;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;

/** How a decoded picture becomes a model's input: resizing, cropping, channels and normalization. */
@FunctionalInterface
public interface ImagePipeline {

    /** The network input and the picture (resized and cropped like the input) for an 8-bit RGB image. */
    PreparedImage prepare(String id, String title, RgbImage image);

    /**
     * torchvision's colour pipeline (resize the shorter side, centre-crop, normalize; {@link Preprocessing}), exactly as
     * the command line prepares --image: the same numbers, so the page and the CLI draw the same maps.
     */
    static ImagePipeline colour(Preprocessing preprocessing) {
        return of(preprocessing);
    }

    /**
     * Any {@link Preprocessing}, colour or grey, exactly as the command line applies it to --image (its
     * {@code apply}); the picture shown is grey when the network sees grey.
     */
    static ImagePipeline of(Preprocessing preprocessing) {
        return (id, title, image) -> {
            RgbImage cropped = preprocessing.centerCrop(preprocessing.resizeShorterSide(image));
            INDArray x = preprocessing.toTensor(cropped);
            long[] shape = x.shape();
            return new PreparedImage(id, title, Passes.valuesAndRelease(x), shape, picture(cropped, preprocessing.grey()));
        };
    }

    /**
     * One grey channel for small networks trained on MNIST-like data: shorter side resized to {@code side}, centre-crop
     * {@code side} x {@code side}, grey level as PIL's convert("L") computes it, then (v/255 - mean) / std in float32.
     */
    static ImagePipeline grey(int side, float mean, float std) {
        Preprocessing geometry = new Preprocessing(side, side, Normalization.TORCHVISION);
        return (id, title, image) -> {
            RgbImage cropped = geometry.centerCrop(geometry.resizeShorterSide(image));
            int n = cropped.width() * cropped.height();
            double[] values = new double[n];
            byte[] rgb = cropped.rgb();
            for (int i = 0; i < n; i++) {
                float unit = (float) luminance(rgb[i * 3] & 0xff, rgb[i * 3 + 1] & 0xff, rgb[i * 3 + 2] & 0xff) / 255f;
                values[i] = (unit - mean) / std;
            }
            return new PreparedImage(id, title, values, new long[]{1, 1, cropped.height(), cropped.width()}, picture(cropped, true));
        };
    }

    /** PIL's convert("L"): ITU-R 601 weights in 16-bit fixed point, rounded (exact for grey pixels). */
    static int luminance(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** The 8-bit image as a Java picture (grey when the network sees grey, so overlays show what it sees). */
    static BufferedImage picture(RgbImage rgb, boolean grey) {
        BufferedImage pic = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgb.height(); y++)
            for (int x = 0; x < rgb.width(); x++) {
                int r = rgb.sample(x, y, 0), g = rgb.sample(x, y, 1), b = rgb.sample(x, y, 2);
                if (grey) r = g = b = luminance(r, g, b);
                pic.setRGB(x, y, r << 16 | g << 8 | b);
            }
        return pic;
    }
}
