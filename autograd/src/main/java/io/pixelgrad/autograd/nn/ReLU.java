package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.functions.Relu;

/** max(x, 0); how gradients pass back through it is the backward pass's {@link io.pixelgrad.autograd.ReluRule}. */
public final class ReLU extends Module {

    @Override
    protected Tensor compute(Tensor x) {
        return Relu.apply(x);
    }
}
