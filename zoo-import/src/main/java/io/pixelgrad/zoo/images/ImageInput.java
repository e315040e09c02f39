package io.pixelgrad.zoo.images;

import io.pixelgrad.engine.Npy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Turns a file given as "the image" into network input: a PNG, JPEG or BMP goes through {@link Preprocessing}; a
 * NumPy {@code .npy} file is taken as an already-normalized float32 tensor, CHW or NCHW, and used as is (that is how
 * reference tests feed exact inputs).
 */
public final class ImageInput {

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private ImageInput() {
    }

    /**
     * The [N, C, H, W] input for a file: float32 for pictures, float32 or float64 as stored for .npy tensors; every
     * problem is a one-line {@link ImageInputException}.
     *
     * @throws ImageInputException if the file is missing, not a picture or tensor pixelgrad reads, or of the wrong
     *     shape
     */
    public static INDArray load(Path file, Preprocessing preprocessing) throws ImageInputException {
        if (isNpy(file)) return loadNpy(file);
        RgbImage image = Images.read(file);
        try {
            return preprocessing.apply(image);
        } catch (IllegalArgumentException e) {
            throw new ImageInputException("image " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether the file starts with NumPy's magic bytes (the extension is not trusted). */
    public static boolean isNpy(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(NPY_MAGIC.length), NPY_MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads a .npy tensor: float32 or float64, [C, H, W] (a batch of one is added) or [N, C, H, W], C 3 (colour) or 1
     * (grey).
     *
     * @throws ImageInputException if the file is missing, damaged, of another dtype or of another shape
     */
    public static INDArray loadNpy(Path file) throws ImageInputException {
        String where = "image " + file;
        INDArray a;
        try {
            a = Npy.read(file);
        } catch (IOException | RuntimeException e) {
            throw new ImageInputException(where + ": unreadable .npy file (" + e.getMessage() + ")", e);
        }
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)
            throw new ImageInputException(where + ": .npy input must be float32 or float64, not "
                    + a.dataType().name().toLowerCase(java.util.Locale.ROOT));
        long[] s = a.shape();
        if (s.length == 3 && (s[0] == 3 || s[0] == 1)) return a.reshape('c', 1, s[0], s[1], s[2]);
        if (s.length == 4 && (s[1] == 3 || s[1] == 1) && s[0] >= 1) return a;
        throw new ImageInputException(where + ": .npy input must have shape [C, H, W] or [N, C, H, W] with C 3 or 1, not "
                + Arrays.toString(s));
    }
}
