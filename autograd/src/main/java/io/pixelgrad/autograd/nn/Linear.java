package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Fully connected layer with parameters "weight" [out, in] and "bias" [out]. */
public final class Linear extends Module {

    private final Parameter weight, bias;
    private final int in, out;

    /** A layer with zero weights (load or initialize them afterwards). */
    public Linear(int in, int out) {
        this.in = in;
        this.out = out;
        this.weight = addParameter("weight", Allocation.weights(DataType.FLOAT, out, in));
        this.bias = addParameter("bias", Nd4j.zeros(DataType.FLOAT, out));
    }

    /** The weight parameter. */
    public Parameter weight() {
        return weight;
    }

    /** The bias parameter. */
    public Parameter bias() {
        return bias;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return io.pixelgrad.autograd.functions.Linear.apply(x, weight.tensor(), bias.tensor());
    }

    @Override
    public String describe() {
        return "Linear(" + in + ", " + out + ")";
    }
}
