package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * y = R x C^T on every plane of x [N,C,H,W]: a fixed linear map along the rows (R [outH, H]) and one along the columns
 * (C [outW, W]). Resizing and the written-out inverse Fourier transform are such maps. Backward: R^T g C.
 * The matrices are constants that the caller owns.
 */
public final class SeparableLinear extends Function {

    private final INDArray rows, cols;

    private SeparableLinear(Tensor x, INDArray rows, INDArray cols) {
        super(x);
        this.rows = rows;
        this.cols = cols;
    }

    /** Applies R x C^T to each plane. */
    public static Tensor apply(Tensor x, INDArray rows, INDArray cols) {
        return new SeparableLinear(x, rows, cols).output(KERNELS.separableLinear(x.value(), rows, cols, false));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{KERNELS.separableLinear(g, rows, cols, true)};
    }
}
