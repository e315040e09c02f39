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

import java.nio.FloatBuffer;

import java.util.Random;

/**
 * Training-time dropout: zero each unit with probability p and scale the survivors by 1/(1-p), so the expected value
 * is unchanged and inference needs no scaling (it is the identity there). Backward: the gradient through the same
 * mask, g * mask / (1-p).
 */
public final class Dropout extends Function {

    /** Units per block of the float32 path: the draws and both outputs stay in cache. */
    private static final int BLOCK = 4096;

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
        int length = Math.toIntExact(x.value().length());
        if (random instanceof JumpableRandom jumpable && x.dataType() == DataType.FLOAT) {
            Tensor y = applyFloat(x, p, jumpable, length);
            jumpable.skip(2L * length);   // nextDouble() takes two steps of the generator
            return y;
        }
        boolean[] keep = new boolean[length];
        for (int i = 0; i < keep.length; i++) keep[i] = random.nextDouble() >= p;
        return apply(x, p, keep);
    }

    /**
     * {@link #apply(Tensor, double, Random)} for float32 with the draws split over threads, each range starting where
     * the serial loop would be: noise and output are made in the same pass as the draws, so a training step does not
     * walk the units three times on one core (the same numbers: survivors times 1/(1-p) in float, as below).
     */
    private static Tensor applyFloat(Tensor x, double p, JumpableRandom random, int length) {
        float scale = 1f / (float) (1 - p);
        INDArray input = Arrays.contiguous(x.value());
        INDArray noise = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        FloatBuffer in = input.data().asNioFloat(), noiseOut = noise.data().asNioFloat(), out = y.data().asNioFloat();
        Parallel.forRanges(length, (from, to) -> {
            JumpableRandom r = random.copy();
            r.skip(2 * from);
            int block = (int) Math.min(BLOCK, to - from);
            double[] draws = new double[block];
            float[] values = new float[block], factors = new float[block];
            for (long start = from; start < to; start += block) {
                int n = (int) Math.min(block, to - start), at = (int) start;
                if (n < block) draws = new double[n];
                r.nextDoubles(draws);
                in.get(at, values, 0, n);
                for (int i = 0; i < n; i++) {
                    factors[i] = draws[i] >= p ? scale : 0f;
                    values[i] *= factors[i];
                }
                noiseOut.put(at, factors, 0, n);
                out.put(at, values, 0, n);
            }
        });
        if (input != x.value()) Arrays.release(input);
        return new Dropout(x, noise).output(y);
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
