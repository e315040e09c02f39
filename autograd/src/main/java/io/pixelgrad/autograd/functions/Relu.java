package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** y = max(x, 0). Its backward is where the three visualizations differ: the pass's {@link ReluRule} decides. */
public final class Relu extends Function {

    private final INDArray input;   // its sign decides which units let the gradient through

    private Relu(Tensor x) {
        super(x);
        this.input = x.value();
    }

    /** Applies max(x, 0) elementwise. */
    public static Tensor apply(Tensor x) {
        return new Relu(x).output(KERNELS.relu(x.value()));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{rule.backward(input, g)};
    }
}
