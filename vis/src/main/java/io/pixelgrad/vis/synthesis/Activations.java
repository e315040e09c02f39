package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;

/**
 * What an objective can read during one forward pass: the output of any watched module, the logits, the picture I in
 * [0,1] before transforms, and the model input x.
 */
public final class Activations {

    private final Tape tape;
    private final Tensor input, logits;
    private java.util.function.Supplier<Tensor> pictureSource;
    private Tensor picture;

    /** The tensors of one forward pass (logits may be null when the pass stopped at an inner layer). */
    public Activations(Tape tape, Tensor picture, Tensor input, Tensor logits) {
        this(() -> picture, tape, input, logits);
    }

    /**
     * The same, with the picture made only if an objective reads it: when the model input does not come from the
     * picture (input parametrization, DeepDream), most objectives never need it.
     */
    static Activations pictureOnDemand(Tape tape, Tensor input, Tensor logits, java.util.function.Supplier<Tensor> picture) {
        return new Activations(picture, tape, input, logits);
    }

    private Activations(java.util.function.Supplier<Tensor> picture, Tape tape, Tensor input, Tensor logits) {
        this.tape = tape;
        this.pictureSource = picture;
        this.input = input;
        this.logits = logits;
    }

    /** The output of the named module, e.g. "features.28" (the conv output, before its ReLU). */
    public Tensor layer(String name) {
        return tape.output(name);
    }

    /** The class scores [N, classes]. */
    public Tensor logits() {
        if (logits == null) throw new IllegalStateException("this pass stopped before the logits");
        return logits;
    }

    /** The picture I [N,C,H,W] in [0,1] (before transforms). */
    public Tensor picture() {
        if (pictureSource != null) {
            picture = pictureSource.get();
            pictureSource = null;
        }
        return picture;
    }

    /** The model input x (after transforms, normalization and resizing). */
    public Tensor input() {
        return input;
    }

    /** The tape of the pass (for constants an objective needs). */
    public Tape tape() {
        return tape;
    }
}
