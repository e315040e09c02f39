package io.pixelgrad.autograd;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A value in a computation: an INDArray, the {@link Function} that produced it (null for leaves), and the
 * {@link Tape} that records it. Tensors never change after they are made.
 */
public final class Tensor {

    private final INDArray value;
    private final Function creator;
    private final Tape tape;
    private final boolean requiresGrad;
    private final String label;

    Tensor(INDArray value, Function creator, Tape tape, boolean requiresGrad, String label) {
        this.value = value;
        this.creator = creator;
        this.tape = tape;
        this.requiresGrad = requiresGrad;
        this.label = label;
    }

    /** A value that takes no part in differentiation (a mask, a target), on no tape. */
    public static Tensor constant(INDArray value) {
        return new Tensor(value, null, null, false, null);
    }

    /** A model parameter: trainable ones receive gradients, frozen ones let gradients flow only to the input. */
    public static Tensor parameter(INDArray value, boolean trainable, String name) {
        return new Tensor(value, null, null, trainable, name);
    }

    /**
     * The values. Owned by the tape (or the model, for parameters): dup() what must outlive the tape. After the tape
     * is closed its arrays are freed, so asking is an IllegalStateException rather than a read of freed memory.
     */
    public INDArray value() {
        if (tape != null && tape.isClosed()) throw new IllegalStateException("this tape is closed");
        return value;
    }

    /** The function that produced this tensor, or null for a leaf. */
    public Function creator() {
        return creator;
    }

    /** The tape recording this tensor's computation, or null for constants and parameters. */
    public Tape tape() {
        return tape;
    }

    /** Whether a backward pass computes a gradient for this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** A name for parameters and inputs, else null. */
    public String label() {
        return label;
    }

    /** The shape of the value. */
    public long[] shape() {
        return value.shape();
    }

    /** Size along one dimension. */
    public long size(int dimension) {
        return value.size(dimension);
    }

    /** Number of dimensions. */
    public int rank() {
        return value.rank();
    }

    /** Element type of the value. */
    public DataType dataType() {
        return value.dataType();
    }

    @Override
    public String toString() {
        String from = creator == null ? (label == null ? "leaf" : label) : creator.name();
        return "Tensor" + java.util.Arrays.toString(shape()) + " from " + from;
    }
}
