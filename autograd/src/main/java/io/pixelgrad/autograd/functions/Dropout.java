package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Training-time dropout: zero each unit with probability p, scale survivors by 1/(1-p). Identity at inference. */
public final class Dropout extends Function {

    private final INDArray mask;   // 0 or 1/(1-p) per unit

    private Dropout(Tensor x, INDArray mask) {
        super(x);
        this.mask = mask;
    }

    /** Drops units of x using the given seeded generator (deterministic for a given seed). */
    public static Tensor apply(Tensor x, double p, Random random) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        double[] m = new double[(int) x.value().length()];
        for (int i = 0; i < m.length; i++) m[i] = random.nextDouble() < p ? 0 : 1 / (1 - p);
        INDArray mask = Nd4j.create(m, x.shape(), 'c').castTo(x.dataType());
        return new Dropout(x, mask).output(x.value().mul(mask));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{g.mul(mask)};
    }

    @Override
    protected void release() {
        Arrays.release(mask);
    }
}
