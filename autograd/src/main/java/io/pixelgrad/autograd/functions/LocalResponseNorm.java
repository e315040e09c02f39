package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Local response normalization across channels (Caffe AlexNet: size 5, alpha 1e-4, beta 0.75, k 1). */
public final class LocalResponseNorm extends Function {

    private final INDArray input;
    private final int size;
    private final double alpha, beta, k;

    private LocalResponseNorm(Tensor x, int size, double alpha, double beta, double k) {
        super(x);
        this.input = x.value();
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
    }

    /** b_c = a_c / (k + alpha/size * sum of a^2 over the size channels around c)^beta. */
    public static Tensor apply(Tensor x, int size, double alpha, double beta, double k) {
        return new LocalResponseNorm(x, size, alpha, beta, k).output(KERNELS.lrn(x.value(), size, alpha, beta, k));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{KERNELS.lrnBackward(input, g, size, alpha, beta, k)};
    }
}
