package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * How a picture in [0,1] becomes the model's input: per channel x_c = (scale * I_src(c) - mean_c) / std_c (the
 * model's normalization preset; Caffe models read the channels reversed and scaled to 0..255), then, for models trained
 * at a fixed size, a bilinear upsampling (align_corners=True) to that size when the picture is smaller, as Lucent does.
 *
 * @param channels   input channels of the model (3 for RGB, 1 for grey)
 * @param source     for each model channel, the picture channel it reads
 * @param scale      multiplier before the mean is subtracted (1, or 255 for Caffe)
 * @param mean       per model channel
 * @param std        per model channel
 * @param minSide    pictures smaller than this are upsampled to minSide x minSide (0: never)
 * @param name       the preset's name, for reports
 */
public record InputSpace(int channels, int[] source, double[] scale, double[] mean, double[] std, int minSide, String name) {

    /** Checks that every per-channel array has one entry per channel. */
    public InputSpace {
        if (source.length != channels || scale.length != channels || mean.length != channels || std.length != channels)
            throw new IllegalArgumentException("input space " + name + ": per-channel arrays must have " + channels + " entries");
        source = source.clone();
        scale = scale.clone();
        mean = mean.clone();
        std = std.clone();
    }

    /** torchvision's ImageNet normalization, with upsampling to 224 (AlexNet, VGG). */
    public static InputSpace imagenet() {
        return of(Normalization.TORCHVISION, 224);
    }

    /** A normalization preset for 3-channel models (torchvision or caffe), upsampling to minSide (0: never). */
    public static InputSpace of(Normalization n, int minSide) {
        return switch (n.id()) {
            case "torchvision" -> new InputSpace(3, new int[]{0, 1, 2}, new double[]{1, 1, 1}, new double[]{0.485, 0.456, 0.406},
                    new double[]{0.229, 0.224, 0.225}, minSide, n.id());
            // BGR channel order, 0..255, minus the BGR means
            case "caffe" -> new InputSpace(3, new int[]{2, 1, 0}, new double[]{255, 255, 255}, new double[]{103.939, 116.779, 123.68},
                    new double[]{1, 1, 1}, minSide, n.id());
            default -> {
                // the other presets (mnist, fashion-mnist, cifar10, half) are (v/255 - mean) / std per channel
                double[] mean = new double[3], std = new double[3];
                for (int c = 0; c < 3; c++) {
                    mean[c] = n.mean()[c];
                    std[c] = n.std()[c];
                }
                yield new InputSpace(3, new int[]{0, 1, 2}, new double[]{1, 1, 1}, mean, std, minSide, n.id());
            }
        };
    }

    /** A one-channel (grey) model's space for a preset, no upsampling. */
    public static InputSpace grey(Normalization n) {
        return grey(n.mean()[0], n.std()[0], n.id());
    }

    /** One grey channel: x = (I - mean) / std, no upsampling (small networks such as MNIST's). */
    public static InputSpace grey(double mean, double std, String name) {
        return new InputSpace(1, new int[]{0}, new double[]{1}, new double[]{mean}, new double[]{std}, 0, name);
    }

    /** The usual space of a classifier: ImageNet's for 3-channel AlexNet/VGG (227 for Caffe AlexNet). */
    public static InputSpace forModel(Classifier model) {
        return forModel(model, null);
    }

    /**
     * The space of a classifier with its description (pixelgrad's trained models carry one: normalization, channels,
     * input size; their pictures are not upsampled), or, without one, ImageNet's for AlexNet/VGG, [-1,1] samples for
     * the small architectures.
     */
    public static InputSpace forModel(Classifier model, io.pixelgrad.zoo.models.ModelCard card) {
        if (card != null)
            return card.channels() == 1 ? grey(card.normalization()) : of(card.normalization(), 0);
        if (io.pixelgrad.zoo.models.Architectures.SMALL.contains(model.architecture()))
            return model.inputChannels() == 1 ? grey(Normalization.HALF) : of(Normalization.HALF, 0);
        if (model.architecture().startsWith("caffe_")) return of(Normalization.CAFFE, 227);
        return imagenet();
    }

    /** The same normalization without upsampling (methods that work at the picture's own size). */
    public InputSpace withoutResizing() {
        return minSide == 0 ? this : new InputSpace(channels, source, scale, mean, std, 0, name);
    }

    /** The model input for pictures I [N,channels,H,W] in [0,1] (a function on I's tape). */
    public Tensor toModelInput(Tensor image) {
        Tensor x = normalize(image);
        if (minSide > 0 && (x.size(2) < minSide || x.size(3) < minSide)) x = F.resizeBilinearAlignCorners(x, minSide, minSide);
        return x;
    }

    /** Per-channel normalization of pictures [N,channels,H,W] in [0,1], without any resizing. */
    public Tensor normalize(Tensor image) {
        checkChannels(image);
        Tensor ordered = reorder(image);
        // x = (scale * I - mean) / std as one per-channel affine map: I * (scale / std) - mean / std
        double[] a = new double[channels], b = new double[channels];
        for (int c = 0; c < channels; c++) {
            a[c] = scale[c] / std[c];
            b[c] = -mean[c] / std[c];
        }
        return F.channelAffine(ordered, a, b);
    }

    /** The picture in [0,1] for a model input x (the inverse of {@link #normalize}, unclamped), as plain values. */
    public INDArray toPicture(INDArray x) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        for (int c = 0; c < channels; c++) {
            INDArray in = channel(x, c);
            channel(out, source[c]).assign(in.mul(std[c]).addi(mean[c]).divi(scale[c]));
        }
        return out;
    }

    /** The model-input value of a picture value v in channel c (e.g. the bounds (0 - mean)/std, (1 - mean)/std). */
    public double modelValue(int modelChannel, double pictureValue) {
        return (scale[modelChannel] * pictureValue - mean[modelChannel]) / std[modelChannel];
    }

    private static INDArray channel(INDArray a, int c) {
        return a.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all());
    }

    private Tensor reorder(Tensor image) {
        boolean identity = true;
        for (int c = 0; c < channels; c++) identity &= source[c] == c;
        if (identity) return image;
        Tensor[] parts = new Tensor[channels];
        for (int c = 0; c < channels; c++) parts[c] = F.slice(image, 1, source[c], source[c] + 1);
        return F.concat(1, parts);
    }

    private void checkChannels(Tensor image) {
        if (image.rank() != 4 || image.size(1) != channels)
            throw new IllegalArgumentException("input space " + name + " expects pictures [N," + channels + ",H,W], got "
                    + Arrays.toString(image.shape()));
    }

    @Override
    public String toString() {
        return name + (minSide > 0 ? " (upsampled to " + minSide + ")" : "");
    }
}
