package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** An elementwise function of one tensor whose derivative is given from the input x and the output y. */
abstract class UnaryFunction extends Function {

    /** The input and output values, kept for the derivative. */
    protected final INDArray x;
    private INDArray y;

    protected UnaryFunction(Tensor input) {
        super(input);
        this.x = input.value();
    }

    /** Computes y from x. */
    protected abstract INDArray forward();

    /** The gradient reaching x, given the gradient g arriving at y. */
    protected abstract INDArray derivative(INDArray g, INDArray y);

    /** Computes this function's output on the tape. */
    protected final Tensor result() {
        y = forward();
        return output(y);
    }

    @Override
    protected final INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{derivative(g, y)};
    }
}
