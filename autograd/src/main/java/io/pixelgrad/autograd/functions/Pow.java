package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** x^p for a scalar exponent p. Backward: p x^(p-1) g. */
public final class Pow extends UnaryFunction {

    private final double exponent;

    private Pow(Tensor input, double exponent) {
        super(input);
        this.exponent = exponent;
    }

    /** Raises every element to the power p. */
    public static Tensor apply(Tensor input, double p) {
        return new Pow(input, p).result();
    }

    @Override
    protected INDArray forward() {
        return Transforms.pow(x, exponent, true);
    }

    @Override
    protected INDArray derivative(INDArray g, INDArray y) {
        if (exponent == 1) return g.dup();
        return Transforms.pow(x, exponent - 1, true).muli(g).muli(exponent);
    }
}
