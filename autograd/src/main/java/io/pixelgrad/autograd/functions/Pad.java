package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Constant padding of the two spatial dimensions of [N,C,H,W]. Backward: the gradient of the interior. */
public final class Pad extends Function {

    private final long[] inputShape;
    private final int top, left;

    private Pad(Tensor x, int top, int left) {
        super(x);
        this.inputShape = x.shape();
        this.top = top;
        this.left = left;
    }

    /** Surrounds x with the given numbers of rows and columns of value. */
    public static Tensor apply(Tensor x, int top, int bottom, int left, int right, double value) {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) throw new IllegalArgumentException("padding must be >= 0");
        long[] s = x.shape();
        INDArray out = Nd4j.valueArrayOf(new long[]{s[0], s[1], s[2] + top + bottom, s[3] + left + right}, value, x.dataType());
        out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(top, top + s[2]), NDArrayIndex.interval(left, left + s[3]))
                .assign(x.value());
        return new Pad(x, top, left).output(out);
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{g.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(top, top + inputShape[2]),
                NDArrayIndex.interval(left, left + inputShape[3])).dup('c')};
    }
}
