package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Joins tensors along one dimension. Backward: each input gets its slice of the gradient. */
public final class Concat extends Function {

    private final int dim;
    private final long[] sizes;

    private Concat(Tensor[] xs, int dim) {
        super(xs);
        this.dim = dim;
        this.sizes = new long[xs.length];
        for (int i = 0; i < xs.length; i++) sizes[i] = xs[i].size(dim);
    }

    /** Concatenates xs along dim. */
    public static Tensor apply(int dim, Tensor... xs) {
        INDArray[] values = new INDArray[xs.length];
        for (int i = 0; i < xs.length; i++) values[i] = xs[i].value();
        return new Concat(xs, dim).output(Nd4j.concat(dim, values));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        INDArray[] grads = new INDArray[sizes.length];
        long from = 0;
        for (int i = 0; i < sizes.length; i++) {
            INDArrayIndex[] idx = new INDArrayIndex[g.rank()];
            for (int d = 0; d < idx.length; d++) idx[d] = d == dim ? NDArrayIndex.interval(from, from + sizes[i]) : NDArrayIndex.all();
            grads[i] = needs(i) ? g.get(idx).dup('c') : null;
            from += sizes[i];
        }
        return grads;
    }
}
