package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A named, replaceable model weight. Frozen parameters only pass gradients on; trainable ones receive them. */
public final class Parameter {

    private final String localName;
    private volatile Tensor tensor;

    /** A parameter with its local name (e.g. "weight") and initial value; frozen until told otherwise. */
    public Parameter(String localName, INDArray value) {
        this.localName = localName;
        this.tensor = Tensor.parameter(value, false, localName);
    }

    /** The name within its module, e.g. "bias". */
    public String localName() {
        return localName;
    }

    /** The tensor a forward pass uses; also the key of this parameter's gradient in {@code Gradients.of}. */
    public Tensor tensor() {
        return tensor;
    }

    /** The current value. */
    public INDArray value() {
        return tensor.value();
    }

    /** Replaces the value (loading weights, an optimizer step), keeping shape and trainability. */
    public void set(INDArray value) {
        if (!java.util.Arrays.equals(value.shape(), tensor.shape()))
            throw new IllegalArgumentException(localName + ": shape " + java.util.Arrays.toString(value.shape())
                    + " where " + java.util.Arrays.toString(tensor.shape()) + " is expected");
        tensor = Tensor.parameter(value.castTo(tensor.dataType()), tensor.requiresGrad(), localName);
    }

    /** Converts the value to another data type (float64 for gradient checks). */
    public void convert(org.nd4j.linalg.api.buffer.DataType type) {
        tensor = Tensor.parameter(tensor.value().castTo(type), tensor.requiresGrad(), localName);
    }

    /** Whether backward passes compute this parameter's gradient. */
    public boolean trainable() {
        return tensor.requiresGrad();
    }

    /** Freezes (false) or unfreezes (true) the parameter. */
    public void setTrainable(boolean trainable) {
        if (trainable != tensor.requiresGrad()) tensor = Tensor.parameter(tensor.value(), trainable, localName);
    }
}
