package io.pixelgrad.cli.options;

import io.pixelgrad.zoo.images.ImageInput;
import io.pixelgrad.zoo.images.ImageInputException;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --image} with its preprocessing options: how a picture becomes network input. */
public final class ImageOption {

    /** The image file. */
    @Option(names = {"-i", "--image"}, paramLabel = "FILE", required = true,
            description = {"Input image: PNG, JPEG or BMP (grey, RGB; an alpha channel is dropped), resized so the shorter"
                    + " side is 256 and centre-cropped, as torchvision does.",
                    "A NumPy .npy file is taken as an already normalized float32 or float64 tensor [3,H,W] or [N,3,H,W] and used as is."})
    public Path image;

    /** The normalization preset, or null for the model's own. */
    @Option(names = "--normalize", paramLabel = "PRESET",
            description = "Input normalization: torchvision (mean/std of ImageNet) or caffe (BGR, 0-255, minus mean)."
                    + " Default: caffe for caffe_alexnet, torchvision otherwise.")
    public String normalize;

    /** The crop size, or 0 for the model's own. */
    @Option(names = "--crop", paramLabel = "PIXELS",
            description = "Side of the centre crop after resizing. Default: 227 for caffe_alexnet, 224 otherwise.")
    public int crop;

    /**
     * The network input for the model in the model's data type: the preprocessed image, or the .npy tensor. A float64
     * .npy given to a float32 model is rounded, with a one-line note on warnings; float32 widens to float64 exactly.
     */
    public INDArray load(Classifier model, java.io.PrintWriter warnings) throws ImageInputException {
        INDArray x = load(model);
        org.nd4j.linalg.api.buffer.DataType type = model.dataType();
        if (x.dataType() == type) return x;
        if (x.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE && type == org.nd4j.linalg.api.buffer.DataType.FLOAT) {
            warnings.println("note: " + image + " holds float64 values; rounding them to float32 for this run"
                    + " (use --dtype float64 to keep them)");
            warnings.flush();
        }
        INDArray cast = x.castTo(type);
        io.pixelgrad.engine.Arrays.release(x);
        return cast;
    }

    /** The network input for the model: preprocessed image (float32), or the .npy tensor unchanged. */
    public INDArray load(Classifier model) throws ImageInputException {
        boolean caffe = model.architecture().startsWith("caffe_");
        Normalization n = normalize == null ? (caffe ? Normalization.CAFFE : Normalization.TORCHVISION) : Normalization.of(normalize);
        int side = crop > 0 ? crop : caffe ? 227 : 224;
        if (crop < 0) throw new IllegalArgumentException("--crop must be positive, not " + crop);
        return ImageInput.load(image, new Preprocessing(Math.max(256, side), side, n));
    }
}
