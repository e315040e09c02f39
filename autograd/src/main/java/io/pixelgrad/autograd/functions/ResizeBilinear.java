package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Bilinear resize with align_corners=false. A linear map, so its backward is its transpose. */
public final class ResizeBilinear extends Function {

    private final int inH, inW;

    private ResizeBilinear(Tensor x) {
        super(x);
        this.inH = (int) x.size(2);
        this.inW = (int) x.size(3);
    }

    /** Resizes x [N,C,H,W] to outH x outW. */
    public static Tensor apply(Tensor x, int outH, int outW) {
        return new ResizeBilinear(x).output(KERNELS.resizeBilinear(x.value(), outH, outW));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{KERNELS.resizeBilinearBackward(g, inH, inW)};
    }
}
