package io.pixelgrad.explorer;

import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.labels.ImageNetLabels;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.ModelCard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model loaded from a weights file: by default AlexNet/VGG in torchvision or Caffe layout, with the ImageNet pipeline
 * the command line uses for it (caffe_alexnet: Caffe normalization at 227; everything else torchvision at 224) and the
 * bundled photographs as samples; or with the pipeline, class names and samples its own description gives.
 */
public final class WeightsModelSource extends LoadedModelSource {

    /** The photographs bundled in the jar (both CC0, from scikit-image's sample data). */
    public static final List<Sample> PHOTOS = List.of(
            new Sample("chelsea", "Chelsea the cat", "io/pixelgrad/explorer/samples/chelsea.png",
                    "scikit-image data.chelsea(), CC0, Stefan van der Walt"),
            new Sample("coffee", "A cup of coffee", "io/pixelgrad/explorer/samples/coffee.jpg",
                    "scikit-image data.coffee(), CC0, Rachel Michetti"));

    private final ModelCard card;

    /** The model as loaded from this weights file (the file is only named and measured here, not read again). */
    public WeightsModelSource(Classifier model, Path weights) {
        this(model, weights, ImagePipeline.colour(imagenet(model)), null, PHOTOS);
    }

    /**
     * The model with the preprocessing, description (class names; null for none) and samples the command line chose
     * for its weights file: a model trained by pixelgrad carries its own, an ImageNet model gets the photographs.
     */
    public WeightsModelSource(Classifier model, Path weights, ImagePipeline pipeline, ModelCard card, List<Sample> samples) {
        super(model, model.architecture() + "|" + weights.getFileName() + "|" + size(weights) + "|" + typeName(model),
                model.architecture() + " (" + model.numClasses() + " classes), weights " + weights.getFileName() + ", " + typeName(model),
                pipeline, samples);
        this.card = card;
    }

    private static long size(Path weights) {
        try {
            return Files.size(weights);
        } catch (IOException e) {
            return -1;
        }
    }

    private static Preprocessing imagenet(Classifier model) {
        boolean caffe = model.architecture().startsWith("caffe_");
        int side = caffe ? 227 : 224;
        return new Preprocessing(256, side, caffe ? Normalization.CAFFE : Normalization.TORCHVISION);
    }

    @Override
    public String className(int index) {
        return classNames(model(), card, index);
    }

    /**
     * The description's name when it names every class, else ImageNet's for 1000-class models, else "class N" (what
     * the command line prints too).
     */
    static String classNames(Classifier model, ModelCard card, int index) {
        if (card != null && card.classes().size() == model.numClasses()) return card.className(index);
        return model.numClasses() == ImageNetLabels.get().size() ? ImageNetLabels.get().name(index) : "class " + index;
    }
}
