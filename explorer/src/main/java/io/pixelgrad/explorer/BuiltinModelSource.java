package io.pixelgrad.explorer;

import io.pixelgrad.zoo.models.BuiltinModels;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.ModelCard;
import io.pixelgrad.zoo.weights.WeightsFormatException;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One of the trained models that ship inside pixelgrad ({@link BuiltinModels}, Fashion-MNIST by default): what the
 * command line uses without --weights. Its description (model card) gives the preprocessing (28x28 grey, the data set's
 * normalization) and the class names; its bundled test images are the samples.
 */
public final class BuiltinModelSource implements ModelSource {

    private final String name;
    private final Classifier model;
    private final ModelCard card;
    private final ImagePipeline pipeline;
    private final List<Sample> samples;
    private final String id, label;

    /** The built-in model called name, already loaded (in any data type) by the caller, with its card. */
    public BuiltinModelSource(String name, Classifier model, ModelCard card) {
        BuiltinModels.check(name);
        if (card == null) throw new IllegalArgumentException("the built-in model " + name + " has no description");
        this.name = name;
        this.model = model;
        this.card = card;
        // the card's preprocessing is what ImageOption picks for the built-in model (no --normalize/--crop here)
        this.pipeline = ImagePipeline.of(card.preprocessing());
        List<Sample> list = new ArrayList<>();
        for (String s : BuiltinModels.samples(name))
            list.add(new Sample(s, title(s), "io/pixelgrad/zoo/builtin/" + name + "/samples/" + s + ".png",
                    "a test image of the " + name + " data set, bundled with the built-in model"));
        this.samples = List.copyOf(list);
        String type = model.dataType() == DataType.DOUBLE ? "float64" : "float32";
        this.id = "builtin:" + name + "|" + model.architecture() + "|" + type;
        this.label = model.architecture() + " (" + model.numClasses() + " classes), built-in " + name + " model, " + type;
    }

    /** Loads the built-in model called name in the given data type. */
    public static BuiltinModelSource load(String name, DataType type) throws WeightsFormatException {
        Classifier net = io.pixelgrad.zoo.load.ModelLoader.load(io.pixelgrad.zoo.load.ModelLoader.AUTO, BuiltinModels.weights(name), type);
        return new BuiltinModelSource(name, net, BuiltinModels.card(name));
    }

    /** The built-in model's name, e.g. "fashion-mnist". */
    public String name() {
        return name;
    }

    /** The model's description: classes, preprocessing, input size. */
    public ModelCard card() {
        return card;
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
        return samples;
    }

    @Override
    public String className(int index) {
        return card.classes().size() == model.numClasses() ? card.className(index) : WeightsModelSource.classNames(model, index);
    }

    /** "ankle-boot" as "Ankle boot". */
    private static String title(String sample) {
        String t = sample.replace('-', ' ');
        return t.substring(0, 1).toUpperCase(Locale.ROOT) + t.substring(1);
    }
}
