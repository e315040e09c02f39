package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An elementwise function of two tensors with NumPy broadcasting. Subclasses give the value and the two partial
 * gradients on the operands broadcast to the output shape; this class sums them back down to each operand's shape.
 */
abstract class BinaryFunction extends Function {

    /** The operands, broadcast to the output shape (the inputs' own values when no broadcast was needed). */
    protected final INDArray a, b;
    private final Tensor x, y;

    protected BinaryFunction(Tensor x, Tensor y) {
        super(x, y);
        long[] shape = Broadcasting.shape(x.value(), y.value());
        this.x = x;
        this.y = y;
        this.a = Broadcasting.expand(x.value(), shape);
        this.b = Broadcasting.expand(y.value(), shape);
    }

    /** Computes the output from a and b. */
    protected abstract INDArray forward();

    /** The gradient for the first operand at full output shape. */
    protected abstract INDArray gradA(INDArray g);

    /** The gradient for the second operand at full output shape. */
    protected abstract INDArray gradB(INDArray g);

    /** Computes this function's output on the tape. */
    protected final Tensor result() {
        return output(forward());
    }

    @Override
    protected final INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{needs(0) ? reduced(gradA(g), x.shape()) : null, needs(1) ? reduced(gradB(g), y.shape()) : null};
    }

    private static INDArray reduced(INDArray full, long[] shape) {
        if (java.util.Arrays.equals(full.shape(), shape)) return full;
        INDArray r = Broadcasting.reduce(full, shape);
        Arrays.release(full);
        return r;
    }

    @Override
    protected void release() {
        if (a != x.value()) Arrays.release(a);
        if (b != y.value()) Arrays.release(b);
    }
}
