package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** scale * x + shift with scalar scale and shift: adding, subtracting, multiplying or dividing by a number. */
public final class Affine extends UnaryFunction {

    private final double scale, shift;

    private Affine(Tensor input, double scale, double shift) {
        super(input);
        this.scale = scale;
        this.shift = shift;
    }

    /** scale * x + shift elementwise. */
    public static Tensor apply(Tensor input, double scale, double shift) {
        return new Affine(input, scale, shift).result();
    }

    @Override
    protected INDArray forward() {
        return x.mul(scale).addi(shift);
    }

    @Override
    protected INDArray derivative(INDArray g, INDArray y) {
        return g.mul(scale);
    }
}
