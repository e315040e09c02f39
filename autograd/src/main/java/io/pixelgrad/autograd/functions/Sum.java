package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Sum over some dimensions (all when none are given); mean is the sum divided by the count. */
public final class Sum extends Function {

    private final long[] inputShape;
    private final int[] dims;
    private final double factor;   // 1 for a sum, 1/count for a mean

    private Sum(Tensor x, int[] dims, double factor) {
        super(x);
        this.inputShape = x.shape();
        this.dims = dims;
        this.factor = factor;
    }

    /** Sums x over dims (every dimension when dims is empty), dropping them. */
    public static Tensor sum(Tensor x, int... dims) {
        int[] d = all(x, dims);
        return new Sum(x, d, 1).output(Arrays.sum(x.value(), d));
    }

    /** Averages x over dims (every dimension when dims is empty), dropping them. */
    public static Tensor mean(Tensor x, int... dims) {
        int[] d = all(x, dims);
        long count = 1;
        for (int i : d) count *= x.size(i);
        return new Sum(x, d, 1.0 / count).output(Arrays.mean(x.value(), d));
    }

    private static int[] all(Tensor x, int[] dims) {
        if (dims.length > 0) return dims.clone();
        int[] d = new int[x.rank()];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        long[] kept = inputShape.clone();
        for (int d : dims) kept[d] = 1;
        INDArray spread = Nd4j.createUninitialized(g.dataType(), inputShape).assign(g.reshape(kept).broadcast(inputShape));
        if (factor != 1) spread.muli(factor);
        return new INDArray[]{spread};
    }
}
