package io.pixelgrad.explorer;

import io.pixelgrad.zoo.load.ModelLoader;
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
public final class BuiltinModelSource extends LoadedModelSource {

    private final String name;
    private final ModelCard card;

    /** The built-in model called name, already loaded (in any data type) by the caller, with its card. */
    public BuiltinModelSource(String name, Classifier model, ModelCard card) {
        // the card's preprocessing is what ImageOption picks for the built-in model (no --normalize or --crop here)
        super(model, "builtin:" + BuiltinModels.check(name) + "|" + model.architecture() + "|" + typeName(model),
                model.architecture() + " (" + model.numClasses() + " classes), built-in " + name + " model, " + typeName(model),
                ImagePipeline.of(requireCard(name, card).preprocessing()), samples(name));
        this.name = name;
        this.card = card;
    }

    /** Loads the built-in model called name in the given data type. */
    public static BuiltinModelSource load(String name, DataType type) throws WeightsFormatException {
        Classifier net = ModelLoader.load(ModelLoader.AUTO, BuiltinModels.weights(name), type);
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
    public String className(int index) {
        return WeightsModelSource.classNames(model(), card, index);
    }

    private static ModelCard requireCard(String name, ModelCard card) {
        if (card == null) throw new IllegalArgumentException("the built-in model " + name + " has no description");
        return card;
    }

    /**
     * The bundled test images of the built-in model called name, in their order (the first is what the page opens on,
     * as it is the command line's default sample).
     */
    public static List<Sample> samples(String name) {
        List<Sample> list = new ArrayList<>();
        for (String s : BuiltinModels.samples(name)) {
            String title = s.replace('-', ' ');
            list.add(new Sample(s, title.substring(0, 1).toUpperCase(Locale.ROOT) + title.substring(1),
                    "io/pixelgrad/zoo/builtin/" + name + "/samples/" + s + ".png",
                    "a test image of the " + name + " data set, bundled with the built-in model"));
        }
        return list;
    }
}
