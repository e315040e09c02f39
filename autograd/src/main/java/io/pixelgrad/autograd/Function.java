package io.pixelgrad.autograd;

import io.pixelgrad.engine.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One differentiable step recorded on a {@link Tape}. A subclass computes its output in its constructor or a static
 * {@code apply}, keeps what backward needs as fields, and implements {@link #backward}.
 */
public abstract class Function {

    /** The kernels every function computes with. */
    protected static final Kernels KERNELS = Kernels.get();

    private final Tensor[] inputs;

    /** Records the inputs this function consumed; gradients are returned in the same order. */
    protected Function(Tensor... inputs) {
        this.inputs = inputs.clone();
    }

    /** The tensors this function consumed. */
    public final Tensor[] inputs() {
        return inputs.clone();
    }

    /** Whether input i needs a gradient, so that work for inputs that don't can be skipped. */
    protected final boolean needs(int i) {
        return inputs[i].requiresGrad();
    }

    /**
     * The gradients with respect to each input, given the gradient arriving at the output. Entries for inputs that
     * need no gradient may be null. Returned arrays are new; the caller owns them.
     */
    protected abstract INDArray[] backward(INDArray gradOutput, ReluRule rule);

    /**
     * A shortcut through this function and the one that created its only input, taken as one step: the gradients
     * for that creator's inputs, or null when there is none (the default). The tape asks only when the gradient
     * between the two goes nowhere else and nobody watches it. output is this function's forward result.
     */
    protected INDArray[] backwardThroughCreatorOfInput(INDArray gradOutput, INDArray output, ReluRule rule) {
        return null;
    }

    /** Frees the arrays this function allocated and saved for backward (not its inputs' values). */
    protected void release() {
    }

    /**
     * Wraps a freshly computed value as this function's output on its inputs' tape. Outputs computed from tape-less
     * tensors only (parameters, constants) are plain constants.
     */
    protected final Tensor output(INDArray value) {
        Tape tape = null;
        for (Tensor t : inputs) {
            if (t.tape() == null) continue;
            if (tape != null && tape != t.tape()) throw new IllegalArgumentException(name() + ": inputs come from different tapes");
            tape = t.tape();
        }
        if (tape == null) {
            release();
            return Tensor.constant(value);
        }
        return tape.record(this, value, inputs);
    }

    /** A short name for traces and error messages, e.g. "Conv2d". */
    public String name() {
        return getClass().getSimpleName();
    }
}
