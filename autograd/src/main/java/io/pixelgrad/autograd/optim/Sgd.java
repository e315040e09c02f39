package io.pixelgrad.autograd.optim;

import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent as torch.optim.SGD 1.13, per parameter p with gradient g:
 * <pre>
 *   g = g + weight_decay * p
 *   buf = g                                   (first step)
 *   buf = momentum * buf + (1 - dampening) * g (later steps)
 *   g = nesterov ? g + momentum * buf : buf   (when momentum != 0)
 *   p = p - lr * g
 * </pre>
 */
public final class Sgd extends Optimizer {

    private final double momentum, dampening, weightDecay;
    private final boolean nesterov;
    private final INDArray[] buffers;   // momentum buffers, null until the first step

    private Sgd(Builder b) {
        super(b.params);
        if (b.momentum < 0 || b.weightDecay < 0) throw new IllegalArgumentException("momentum and weight decay must be >= 0");
        if (b.nesterov && (b.momentum <= 0 || b.dampening != 0))
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        setLearningRate(b.lr);
        this.momentum = b.momentum;
        this.dampening = b.dampening;
        this.weightDecay = b.weightDecay;
        this.nesterov = b.nesterov;
        this.buffers = new INDArray[b.params.size()];
    }

    /** Plain SGD with the given learning rate. */
    public Sgd(List<INDArray> params, double lr) {
        this(builder(params).lr(lr));
    }

    /** Starts a builder with torch's defaults (lr is required there; here 0.01). */
    public static Builder builder(List<INDArray> params) {
        return new Builder(params);
    }

    @Override
    public double step(Closure closure) {
        double loss = evaluate(closure);
        List<INDArray> params = parameters();
        for (int i = 0; i < params.size(); i++) {
            INDArray p = params.get(i);
            INDArray d = gradients().get(i);
            INDArray decayed = null;
            if (weightDecay != 0) d = decayed = p.mul(weightDecay).addi(d);
            INDArray update = d, nesterovUpdate = null;
            if (momentum != 0) {
                if (buffers[i] == null) {
                    buffers[i] = d.dup();
                } else {
                    INDArray scaled = d.mul(1 - dampening);
                    buffers[i].muli(momentum).addi(scaled);
                    Arrays.release(scaled);
                }
                update = buffers[i];
                if (nesterov) update = nesterovUpdate = buffers[i].mul(momentum).addi(d);
            }
            INDArray step = update.mul(-learningRate());
            p.addi(step);
            Arrays.release(step, decayed, nesterovUpdate);
        }
        countStep();
        return loss;
    }

    /** The momentum buffers ("momentum_buffer.N", by parameter index) and the step count, for checkpoints. */
    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        for (int i = 0; i < buffers.length; i++) if (buffers[i] != null) s.put("momentum_buffer." + i, buffers[i].dup());
        return s;
    }

    /** Restores {@link #state()} and the number of steps taken (resuming from a checkpoint). */
    @Override
    public void loadState(Map<String, INDArray> state, int steps) {
        for (int i = 0; i < buffers.length; i++) {
            INDArray b = state.get("momentum_buffer." + i);
            Arrays.release(buffers[i]);
            buffers[i] = b == null ? null : checked(b, i).castTo(dataType()).dup();
        }
        setSteps(steps);
    }

    private INDArray checked(INDArray b, int i) {
        if (!java.util.Arrays.equals(b.shape(), parameters().get(i).shape()))
            throw new IllegalArgumentException("momentum buffer " + i + " has shape " + java.util.Arrays.toString(b.shape())
                    + ", its parameter " + java.util.Arrays.toString(parameters().get(i).shape()));
        return b;
    }

    @Override
    protected void releaseState() {
        Arrays.release(buffers);
    }

    /** Options of {@link Sgd} with torch's defaults. */
    public static final class Builder {
        private final List<INDArray> params;
        private double lr = 0.01, momentum, dampening, weightDecay;
        private boolean nesterov;

        private Builder(List<INDArray> params) {
            this.params = params;
        }

        /** Learning rate. */
        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        /** Momentum factor (default 0). */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /** Dampening of the momentum (default 0). */
        public Builder dampening(double dampening) {
            this.dampening = dampening;
            return this;
        }

        /** L2 penalty added to the gradient (default 0). */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** Nesterov momentum (default false). */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** The optimizer. */
        public Sgd build() {
            return new Sgd(this);
        }
    }
}
