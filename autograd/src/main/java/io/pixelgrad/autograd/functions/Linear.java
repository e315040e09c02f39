package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** y = x W^T + b. Backward: dx = g W, dW = g^T x, db = sum of g over the batch. */
public final class Linear extends Function {

    private final INDArray input;   // for dW
    private final INDArray weight;  // for dx
    private final boolean hasBias;

    private Linear(Tensor x, Tensor weight, Tensor bias) {
        super(bias == null ? new Tensor[]{x, weight} : new Tensor[]{x, weight, bias});
        this.input = x.value();
        this.weight = weight.value();
        this.hasBias = bias != null;
    }

    /** Applies the layer to x [N, in] with weight [out, in] and bias [out] (may be null). */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias) {
        if (x.rank() != 2 || x.size(1) != weight.size(1))
            throw new IllegalArgumentException("linear: input " + java.util.Arrays.toString(x.shape()) + " does not fit weight "
                    + java.util.Arrays.toString(weight.shape()));
        return new Linear(x, weight, bias).output(KERNELS.linear(x.value(), weight.value(), bias == null ? null : bias.value()));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        INDArray dx = needs(0) ? KERNELS.gemm(g, weight, false, false) : null;
        INDArray dw = needs(1) ? KERNELS.gemm(g, input, true, false) : null;
        if (!hasBias) return new INDArray[]{dx, dw};
        return new INDArray[]{dx, dw, needs(2) ? Arrays.sum(g, 0) : null};
    }
}
