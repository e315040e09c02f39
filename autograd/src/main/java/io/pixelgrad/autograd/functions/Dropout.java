package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.JumpableRandom;
import io.pixelgrad.engine.Arrays;
import io.pixelgrad.engine.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * Training-time dropout: zero each unit with probability p and scale the survivors by 1/(1-p), so the expected value
 * is unchanged and inference needs no scaling (it is the identity there). Backward: the gradient through the same
 * mask, g * mask / (1-p).
 */
public final class Dropout extends Function {

    private final INDArray noise;   // 0 or 1/(1-p) per unit: PyTorch's "noise" tensor

    private Dropout(Tensor x, INDArray noise) {
        super(x);
        this.noise = noise;
    }

    /**
     * Drops units of x using the given seeded generator (deterministic for a given seed): unit i survives when the
     * generator's i-th nextDouble() is at least p.
     */
    public static Tensor apply(Tensor x, double p, Random random) {
        checkProbability(p);
        boolean[] keep = new boolean[Math.toIntExact(x.value().length())];
        if (random instanceof JumpableRandom jumpable) {
            // the same draws as the loop below, split over threads: each range starts where the serial loop would be
            Parallel.forRanges(keep.length, (from, to) -> {
                JumpableRandom r = jumpable.copy();
                r.skip(2 * from);   // nextDouble() takes two steps of the generator
                for (int i = (int) from; i < to; i++) keep[i] = r.nextDouble() >= p;
            });
            jumpable.skip(2L * keep.length);
        } else {
            for (int i = 0; i < keep.length; i++) keep[i] = random.nextDouble() >= p;
        }
        return apply(x, p, keep);
    }

    /**
     * Dropout with a given keep-mask in row-major order (true: the unit survives), e.g. one drawn by PyTorch: the
     * survivors are multiplied by 1/(1-p) computed in x's data type, as PyTorch's {@code noise.div_(1 - p)} does.
     */
    public static Tensor apply(Tensor x, double p, boolean[] keep) {
        checkProbability(p);
        if (keep.length != x.value().length())
            throw new IllegalArgumentException("dropout mask has " + keep.length + " entries for " + x.value().length() + " units");
        INDArray noise;
        if (x.dataType() == DataType.FLOAT) {
            float scale = 1f / (float) (1 - p);
            float[] v = new float[keep.length];
            for (int i = 0; i < v.length; i++) v[i] = keep[i] ? scale : 0f;
            noise = Nd4j.create(v, x.shape(), 'c');
        } else {
            double scale = 1 / (1 - p);
            double[] v = new double[keep.length];
            for (int i = 0; i < v.length; i++) v[i] = keep[i] ? scale : 0;
            noise = Nd4j.create(v, x.shape(), 'c').castTo(x.dataType());
        }
        INDArray input = Arrays.contiguous(x.value());
        INDArray y = input.mul(noise);
        if (input != x.value()) Arrays.release(input);
        return new Dropout(x, noise).output(y);
    }

    private static void checkProbability(double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{g.mul(noise)};
    }

    @Override
    protected void release() {
        Arrays.release(noise);
    }
}
