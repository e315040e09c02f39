package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Circular shift along one dimension (jitter in feature visualization). Backward: the opposite shift. */
public final class Roll extends Function {

    private final int dim;
    private final long shift;

    private Roll(Tensor x, int dim, long shift) {
        super(x);
        this.dim = dim;
        this.shift = shift;
    }

    /** Element i moves to (i + shift) mod size along dim, as torch.roll. */
    public static Tensor apply(Tensor x, int dim, long shift) {
        return new Roll(x, dim, shift).output(roll(x.value(), dim, shift));
    }

    /** Shifts along H by dy and along W by dx. */
    public static Tensor apply2d(Tensor x, long dy, long dx) {
        return apply(apply(x, 2, dy), 3, dx);
    }

    /** A new array: a [N,C,H,W] shifted circularly by dy along H and dx along W (the forward of {@link #apply2d}). */
    public static INDArray rolled(INDArray a, long dy, long dx) {
        INDArray rows = roll(a, 2, dy);
        INDArray both = roll(rows, 3, dx);
        io.pixelgrad.engine.Arrays.release(rows);
        return both;
    }

    static INDArray roll(INDArray a, int dim, long shift) {
        long n = a.size(dim);
        long s = Math.floorMod(shift, n);
        INDArray out = a.ulike();
        if (s == 0) return out.assign(a);
        out.get(Slice.index(a.rank(), dim, s, n)).assign(a.get(Slice.index(a.rank(), dim, 0, n - s)));
        out.get(Slice.index(a.rank(), dim, 0, s)).assign(a.get(Slice.index(a.rank(), dim, n - s, n)));
        return out;
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{roll(g, dim, -shift)};
    }
}
