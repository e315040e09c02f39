package io.pixelgrad.explorer;

import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.labels.ImageNetLabels;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model loaded from a weights file (AlexNet/VGG in torchvision or Caffe layout), with the ImageNet pipeline the
 * command line uses for it (caffe_alexnet: Caffe normalization at 227; everything else torchvision at 224) and the
 * bundled photographs as samples.
 */
public final class WeightsModelSource implements ModelSource {

    /** The photographs bundled in the jar (both CC0, from scikit-image's sample data). */
    public static final List<Sample> PHOTOS = List.of(
            new Sample("chelsea", "Chelsea the cat", "io/pixelgrad/explorer/samples/chelsea.png",
                    "scikit-image data.chelsea(), CC0, Stefan van der Walt"),
            new Sample("coffee", "A cup of coffee", "io/pixelgrad/explorer/samples/coffee.jpg",
                    "scikit-image data.coffee(), CC0, Rachel Michetti"));

    private final Classifier model;
    private final String id, label;
    private final ImagePipeline pipeline;

    /** The model as loaded from this weights file (the file is only named and measured here, not read again). */
    public WeightsModelSource(Classifier model, Path weights) {
        this.model = model;
        String type = model.dataType() == DataType.DOUBLE ? "float64" : "float32";
        long size;
        try {
            size = Files.size(weights);
        } catch (IOException e) {
            size = -1;
        }
        this.id = model.architecture() + "|" + weights.getFileName() + "|" + size + "|" + type;
        this.label = model.architecture() + " (" + model.numClasses() + " classes), weights " + weights.getFileName() + ", " + type;
        boolean caffe = model.architecture().startsWith("caffe_");
        int side = caffe ? 227 : 224;
        this.pipeline = ImagePipeline.colour(new Preprocessing(256, side, caffe ? Normalization.CAFFE : Normalization.TORCHVISION));
    }

    @Override
    public Classifier model() {
        return model;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public ImagePipeline pipeline() {
        return pipeline;
    }

    @Override
    public List<Sample> samples() {
        return PHOTOS;
    }

    @Override
    public String className(int index) {
        return classNames(model, index);
    }

    /** ImageNet's name for 1000-class models, else "class N" (what the command line prints too). */
    static String classNames(Classifier model, int index) {
        return model.numClasses() == ImageNetLabels.get().size() ? ImageNetLabels.get().name(index) : "class " + index;
    }
}
