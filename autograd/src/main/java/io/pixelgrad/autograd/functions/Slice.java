package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The elements [from, to) along one dimension (a crop when applied to H and W). Backward: zeros elsewhere. */
public final class Slice extends Function {

    private final long[] inputShape;
    private final int dim;
    private final long from, to;

    private Slice(Tensor x, int dim, long from, long to) {
        super(x);
        this.inputShape = x.shape();
        this.dim = dim;
        this.from = from;
        this.to = to;
    }

    /** Keeps indices [from, to) of dimension dim. */
    public static Tensor apply(Tensor x, int dim, long from, long to) {
        if (dim < 0 || dim >= x.rank() || from < 0 || to > x.size(dim) || from >= to)
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of dimension " + dim + " is outside "
                    + java.util.Arrays.toString(x.shape()));
        return new Slice(x, dim, from, to).output(x.value().get(index(x.rank(), dim, from, to)).dup('c'));
    }

    /** Crops [N,C,H,W] to rows [top, top+height) and columns [left, left+width). */
    public static Tensor crop(Tensor x, long top, long left, long height, long width) {
        return apply(apply(x, 2, top, top + height), 3, left, left + width);
    }

    /** Indices selecting [from, to) along dim and everything along the other dimensions. */
    static INDArrayIndex[] index(int rank, int dim, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) idx[i] = i == dim ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
        return idx;
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        INDArray full = Nd4j.zeros(g.dataType(), inputShape);
        full.get(index(inputShape.length, dim, from, to)).assign(g);
        return new INDArray[]{full};
    }
}
