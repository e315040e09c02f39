package io.pixelgrad.cli.options;

import io.pixelgrad.zoo.labels.ImageNetLabels;
import io.pixelgrad.zoo.labels.UnknownClassException;
import picocli.CommandLine.Option;

/** {@code --class}: the class to explain or optimize, by index or name; absent means the predicted class. */
public final class ClassOption {

    /** The class as given, or null. */
    @Option(names = {"-c", "--class"}, paramLabel = "CLASS",
            description = "Class of interest: an index (281) or a name: the model's own class names (\"ankle boot\") or"
                    + " ImageNet's for 1000-class models (\"tabby cat\"), any case, or an unambiguous start of one. Explanations default to the predicted class; classify shows this"
                    + " class's rank and probability even outside the top K.")
    public String target;

    /** Whether a class was given. */
    public boolean given() {
        return target != null;
    }

    /** The class index for a model with this many classes (names only for 1000-class ImageNet models). */
    public int resolve(long numClasses) throws UnknownClassException {
        return ImageNetLabels.get().resolve(target, numClasses);
    }

    /** The class index, by the card's class names when the model has a description (card may be null). */
    public int resolve(long numClasses, io.pixelgrad.zoo.models.ModelCard card) throws UnknownClassException {
        return card != null && card.classes().size() == numClasses ? card.resolveClass(target) : resolve(numClasses);
    }
}
