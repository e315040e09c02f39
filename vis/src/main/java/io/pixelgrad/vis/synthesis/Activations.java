package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;

/**
 * What an objective can read during one forward pass: the output of any watched module, the logits, the picture I in
 * [0,1] before transforms, and the model input x.
 */
public final class Activations {

    private final Tape tape;
    private final Tensor picture, input, logits;

    /** The tensors of one forward pass (logits may be null when the pass stopped at an inner layer). */
    public Activations(Tape tape, Tensor picture, Tensor input, Tensor logits) {
        this.tape = tape;
        this.picture = picture;
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
