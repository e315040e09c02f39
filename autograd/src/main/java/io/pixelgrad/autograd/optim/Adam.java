package io.pixelgrad.autograd.optim;

import io.pixelgrad.engine.Arrays;
import io.pixelgrad.engine.Layout;
import io.pixelgrad.engine.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam as torch.optim.Adam 1.13 (amsgrad off), per parameter p with gradient g at step t (counted from 1):
 * <pre>
 *   g = g + weight_decay * p
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g * g
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 */
public final class Adam extends Optimizer {

    /** Elements per block of the float32 update: four 16 KB arrays. */
    private static final int UPDATE_BLOCK = 4096;

    private final double beta1, beta2, eps, weightDecay;
    private final INDArray[] m, v;

    private Adam(Builder b) {
        super(b.params);
        if (!(b.beta1 >= 0 && b.beta1 < 1 && b.beta2 >= 0 && b.beta2 < 1))
            throw new IllegalArgumentException("Adam's betas must be in [0, 1)");
        if (b.eps < 0 || b.weightDecay < 0) throw new IllegalArgumentException("eps and weight decay must be >= 0");
        setLearningRate(b.lr);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
        List<INDArray> params = parameters();
        this.m = new INDArray[params.size()];
        this.v = new INDArray[params.size()];
        for (int i = 0; i < params.size(); i++) {
            m[i] = Nd4j.zeros(dataType(), params.get(i).shape());
            v[i] = Nd4j.zeros(dataType(), params.get(i).shape());
        }
    }

    /** Adam with the given learning rate and torch's other defaults. */
    public Adam(List<INDArray> params, double lr) {
        this(builder(params).lr(lr));
    }

    /** Starts a builder with torch's defaults (lr 0.001, betas 0.9 and 0.999, eps 1e-8, no weight decay). */
    public static Builder builder(List<INDArray> params) {
        return new Builder(params);
    }

    @Override
    public double step(Closure closure) {
        double loss = evaluate(closure);
        int t = steps() + 1;
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = learningRate() / biasCorrection1;
        List<INDArray> params = parameters();
        for (int i = 0; i < params.size(); i++) {
            INDArray p = params.get(i);
            INDArray g = gradients().get(i);
            if (p.dataType() == DataType.FLOAT && Layout.isRowMajor(p)) {
                updateFloat(p, g, m[i], v[i], biasCorrection2Sqrt, stepSize);
                continue;
            }
            INDArray decayed = null;
            if (weightDecay != 0) g = decayed = p.mul(weightDecay).addi(g);
            INDArray scaled = g.mul(1 - beta1);
            m[i].muli(beta1).addi(scaled);
            INDArray squared = g.mul(1 - beta2).muli(g);
            v[i].muli(beta2).addi(squared);
            INDArray denominator = Transforms.sqrt(v[i], true).divi(biasCorrection2Sqrt).addi(eps);
            INDArray update = m[i].mul(-stepSize).divi(denominator);
            p.addi(update);
            Arrays.release(decayed, scaled, squared, denominator, update);
        }
        countStep();
        return loss;
    }

    /**
     * The same update for a float32 parameter in one pass over its buffers, split over threads: each element goes
     * through exactly the float operations of the array version above, in the same order, so results are identical
     * (Java never fuses a multiply and an add); a training step just does not walk 400,000 weights ten times.
     */
    private void updateFloat(INDArray p, INDArray g, INDArray m, INDArray v, double biasCorrection2Sqrt, double stepSize) {
        FloatBuffer pb = p.data().asNioFloat(), gb = g.data().asNioFloat(), mb = m.data().asNioFloat(), vb = v.data().asNioFloat();
        float b1 = (float) beta1, c1 = (float) (1 - beta1), b2 = (float) beta2, c2 = (float) (1 - beta2);
        float bc2 = (float) biasCorrection2Sqrt, e = (float) eps, step = (float) -stepSize, wd = (float) weightDecay;
        boolean decay = weightDecay != 0;
        Parallel.forRanges(p.length(), (from, to) -> {
            // in blocks that stay in cache, through one set of arrays per thread (not four copies of the parameter)
            int block = (int) Math.min(UPDATE_BLOCK, to - from);
            float[] pp = new float[block], gg = new float[block], mm = new float[block], vv = new float[block];
            for (long start = from; start < to; start += block) {
                int n = (int) Math.min(block, to - start), at = (int) start;
                pb.get(at, pp, 0, n);
                gb.get(at, gg, 0, n);
                mb.get(at, mm, 0, n);
                vb.get(at, vv, 0, n);
                for (int k = 0; k < n; k++) {
                    float gk = decay ? pp[k] * wd + gg[k] : gg[k];
                    mm[k] = mm[k] * b1 + gk * c1;
                    vv[k] = vv[k] * b2 + gk * c2 * gk;
                    float denominator = (float) Math.sqrt(vv[k]) / bc2 + e;
                    pp[k] = pp[k] + mm[k] * step / denominator;
                }
                pb.put(at, pp, 0, n);
                mb.put(at, mm, 0, n);
                vb.put(at, vv, 0, n);
            }
        });
    }

    /** The moment estimates ("exp_avg.N", "exp_avg_sq.N" by parameter index), for checkpoints. */
    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        for (int i = 0; i < m.length; i++) {
            s.put("exp_avg." + i, m[i].dup());
            s.put("exp_avg_sq." + i, v[i].dup());
        }
        return s;
    }

    /** Restores {@link #state()} and the number of steps taken (resuming from a checkpoint). */
    @Override
    public void loadState(Map<String, INDArray> state, int steps) {
        for (int i = 0; i < m.length; i++) {
            copyInto(m[i], state.get("exp_avg." + i), "exp_avg." + i);
            copyInto(v[i], state.get("exp_avg_sq." + i), "exp_avg_sq." + i);
        }
        setSteps(steps);
    }

    private static void copyInto(INDArray target, INDArray source, String key) {
        if (source == null) throw new IllegalArgumentException("optimizer state has no " + key);
        if (!java.util.Arrays.equals(source.shape(), target.shape()))
            throw new IllegalArgumentException("optimizer state " + key + " has shape " + java.util.Arrays.toString(source.shape())
                    + ", the parameter " + java.util.Arrays.toString(target.shape()));
        target.assign(source.castTo(target.dataType()));
    }

    @Override
    protected void releaseState() {
        Arrays.release(m);
        Arrays.release(v);
    }

    /** Options of {@link Adam} with torch's defaults. */
    public static final class Builder {
        private final List<INDArray> params;
        private double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;

        private Builder(List<INDArray> params) {
            this.params = params;
        }

        /** Learning rate (default 0.001). */
        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        /** Decay rates of the first and second moment estimates (default 0.9, 0.999). */
        public Builder betas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /** Added to the denominator's square root (default 1e-8). */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** L2 penalty added to the gradient (default 0). */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** The optimizer. */
        public Adam build() {
            return new Adam(this);
        }
    }
}
