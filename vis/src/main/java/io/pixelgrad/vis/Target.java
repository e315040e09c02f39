package io.pixelgrad.vis;

/**
 * What an explanation is about: a class score (by index, or the top predicted class) or a single feature of a layer
 * (deconvnet-style projection of one activation back to the pixels).
 */
public sealed interface Target permits Target.ClassScore, Target.Feature {

    /** The pre-softmax logit of a class; a null index means "the class the model predicts". */
    record ClassScore(Integer index) implements Target {
        /** Checks the index against nothing yet: the model's class count is checked when the target is resolved. */
        public ClassScore {
            if (index != null && index < 0) throw new IllegalArgumentException("class index must be >= 0, not " + index);
        }
    }

    /**
     * One activation of a layer: a channel and a position; null channel means the strongest activation of the whole
     * layer, null position the strongest position of the channel.
     */
    record Feature(String layer, Integer channel, Integer y, Integer x) implements Target {
        /** Checks that the layer is named and the position is given as a pair or not at all. */
        public Feature {
            if (layer == null || layer.isEmpty()) throw new IllegalArgumentException("a feature target needs a layer name");
            if ((y == null) != (x == null)) throw new IllegalArgumentException("give both y and x of the position, or neither");
        }
    }

    /** The class the model predicts for the input. */
    static Target topClass() {
        return new ClassScore(null);
    }

    /** A class by index. */
    static Target classIndex(int index) {
        return new ClassScore(index);
    }

    /** The strongest activation of a layer. */
    static Target strongest(String layer) {
        return new Feature(layer, null, null, null);
    }
}
