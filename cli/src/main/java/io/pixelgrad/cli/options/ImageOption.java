package io.pixelgrad.cli.options;

import io.pixelgrad.cli.UserException;
import io.pixelgrad.zoo.images.ImageInput;
import io.pixelgrad.zoo.images.ImageInputException;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.models.BuiltinModels;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.ModelCard;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --image} (or {@code --sample}) with its preprocessing options: how a picture becomes network input. */
public final class ImageOption {

    /** The image file, or null for a built-in sample. */
    @Option(names = {"-i", "--image"}, paramLabel = "FILE",
            description = {"Input image: PNG, JPEG or BMP (grey, RGB; an alpha channel is dropped), resized so the shorter side "
                    + "is the model's input size (256 then a 224 centre crop for ImageNet models), as torchvision does. A "
                    + "NumPy .npy file is taken as an already normalized float32 or float64 tensor [C,H,W] or [N,C,H,W] and "
                    + "used as is. Default: a sample image of the built-in model (see --sample)."})
    public Path image;

    /** A built-in sample's name, or null for the first one. */
    @Option(names = "--sample", paramLabel = "NAME",
            description = "Use this bundled test image of the built-in model instead of --image (e.g. ankle-boot, sneaker,"
                    + " trouser; digit-7 for mnist). Default: the first sample.")
    public String sample;

    /** The normalization preset, or null for the model's own. */
    @Option(names = "--normalize", paramLabel = "PRESET",
            description = "Input normalization: torchvision (mean/std of ImageNet), caffe (BGR, 0-255, minus mean), mnist,"
                    + " fashion-mnist, cifar10 or half. Default: the model's own (from its description), caffe for"
                    + " caffe_alexnet, torchvision otherwise.")
    public String normalize;

    /** The crop size, or 0 for the model's own. */
    @Option(names = "--crop", paramLabel = "PIXELS",
            description = "Side of the centre crop after resizing. Default: the model's input size; 227 for caffe_alexnet, 224 otherwise.")
    public int crop;

    private Path resolved;
    private String sampleName;

    /**
     * The image file: --image, or the built-in sample (--sample, else the first) of sampleSet (a built-in model's
     * name); a one-line error when there is neither.
     */
    public Path file(String sampleSet) {
        if (resolved != null) return resolved;
        if (image != null && sample != null) throw new UserException("give --image or --sample, not both");
        if (image != null) return resolved = image;
        if (sampleSet == null)
            throw new UserException("--image is required: these weights come with no sample images");
        try {
            String name = sample != null ? sample : BuiltinModels.samples(sampleSet).get(0);
            resolved = BuiltinModels.samplePath(sampleSet, name);
            sampleName = sampleSet + "/" + name;
            return resolved;
        } catch (IllegalArgumentException e) {
            throw new UserException("--sample: " + e.getMessage());
        }
    }

    /** How the image is named in messages and JSON: the path as given, or "sample:NAME". */
    public String label() {
        return image != null ? image.toString() : "sample:" + (sampleName != null ? sampleName : sample);
    }

    /** The preprocessing for the model: its card's (input size, grey, normalization) unless overridden, else ImageNet's. */
    public Preprocessing preprocessing(Classifier model, ModelCard card) {
        if (crop < 0) throw new IllegalArgumentException("--crop must be positive, not " + crop);
        if (card != null) {
            Preprocessing p = card.preprocessing();
            int side = crop > 0 ? crop : card.side();
            Normalization n = normalize == null ? card.normalization() : Normalization.of(normalize);
            return new Preprocessing(side, side, n, p.grey());
        }
        if (io.pixelgrad.zoo.models.Architectures.SMALL.contains(model.architecture())) {
            // A small network's weights without pixelgrad's description: its own input size, [-1, 1] samples.
            int side = crop > 0 ? crop : 28;
            Normalization n = normalize == null ? Normalization.HALF : Normalization.of(normalize);
            return new Preprocessing(side, side, n, model.inputChannels() == 1);
        }
        boolean caffe = model.architecture().startsWith("caffe_");
        Normalization n = normalize == null ? (caffe ? Normalization.CAFFE : Normalization.TORCHVISION) : Normalization.of(normalize);
        int side = crop > 0 ? crop : caffe ? 227 : 224;
        return new Preprocessing(Math.max(256, side), side, n);
    }

    /** The network input for the model: preprocessed image (float32), or the .npy tensor unchanged. */
    public INDArray load(Classifier model, ModelCard card, String sampleSet) throws ImageInputException {
        return ImageInput.load(file(sampleSet), preprocessing(model, card));
    }

    /**
     * A photo given to a model of a built-in data set (28x28 grey clothing or digits) is shrunk and made grey without
     * complaint, and the model still names one of its own classes: say so once, and where ImageNet models come in.
     */
    private void noteSmallModel(Preprocessing pre, String sampleSet, java.io.PrintWriter warnings) {
        if (image == null || sampleSet == null || image.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy")) return;
        int[] size = io.pixelgrad.zoo.images.Images.size(image);
        if (size != null && size[0] == pre.crop() && size[1] == pre.crop()) return;
        warnings.println("note: the model was trained on " + sampleSet + " (" + pre.crop() + "x" + pre.crop()
                + (pre.grey() ? " grey" : "") + " pictures); " + image.getFileName() + " is resized"
                + (pre.grey() ? " and made grey" : "") + " to fit. For photos, load ImageNet AlexNet or VGG weights with --weights.");
        warnings.flush();
    }

    /**
     * The network input in the model's data type: the preprocessed image, or the .npy tensor. A float64 .npy given to
     * a float32 model is rounded, with a one-line note on warnings; float32 widens to float64 exactly.
     */
    public INDArray load(Classifier model, ModelCard card, String sampleSet, java.io.PrintWriter warnings) throws ImageInputException {
        INDArray x = load(model, card, sampleSet);
        noteSmallModel(preprocessing(model, card), sampleSet, warnings);
        org.nd4j.linalg.api.buffer.DataType type = model.dataType();
        if (x.dataType() == type) return x;
        if (x.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE && type == org.nd4j.linalg.api.buffer.DataType.FLOAT) {
            warnings.println("note: " + label() + " holds float64 values; rounding them to float32 for this run"
                    + " (use --dtype float64 to keep them)");
            warnings.flush();
        }
        INDArray cast = x.castTo(type);
        io.pixelgrad.engine.Arrays.release(x);
        return cast;
    }
}
