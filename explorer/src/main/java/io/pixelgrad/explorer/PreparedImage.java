package io.pixelgrad.explorer;

import io.pixelgrad.vis.Passes;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;

/**
 * One picture ready for the network: the normalized input [1,C,H,W] (kept as plain Java numbers, so nothing
 * off-heap outlives a request) and the picture as the network sees it (resized and cropped, for overlays).
 *
 * @param id      the identity the page uses ("sample-chelsea", "upload-3f2a...")
 * @param title   what the page calls it
 * @param input   the normalized input values, row-major [1,C,H,W] (float32 values held exactly as doubles)
 * @param shape   {1, C, H, W}
 * @param picture the resized and cropped picture, H x W
 */
public record PreparedImage(String id, String title, double[] input, long[] shape, BufferedImage picture) {

    /** Checks that the values fill the shape and the picture has the input's size. */
    public PreparedImage {
        if (shape.length != 4 || shape[0] != 1)
            throw new IllegalArgumentException("an input is one image [1,C,H,W], not " + java.util.Arrays.toString(shape));
        if (input.length != shape[1] * shape[2] * shape[3])
            throw new IllegalArgumentException("input has " + input.length + " values for shape " + java.util.Arrays.toString(shape));
        if (picture.getHeight() != shape[2] || picture.getWidth() != shape[3])
            throw new IllegalArgumentException("picture is " + picture.getWidth() + "x" + picture.getHeight()
                    + ", input " + shape[3] + "x" + shape[2]);
    }

    /** Channels of the input (3 colour, 1 grey). */
    public int channels() {
        return (int) shape[1];
    }

    /** Input height in pixels. */
    public int height() {
        return (int) shape[2];
    }

    /** Input width in pixels. */
    public int width() {
        return (int) shape[3];
    }

    /** A new array of the input in the given data type; the caller releases it (engine Arrays.release). */
    public INDArray array(DataType type) {
        return Passes.array(input, type, shape);
    }

    /** The same image under another id and title (a sample prepared once, shown under its own name). */
    public PreparedImage named(String newId, String newTitle) {
        return new PreparedImage(newId, newTitle, input, shape, picture);
    }
}
