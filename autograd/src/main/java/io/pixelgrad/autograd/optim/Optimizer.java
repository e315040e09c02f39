package io.pixelgrad.autograd.optim;

import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Updates a fixed list of parameter arrays IN PLACE, one {@link #step} at a time, as torch.optim's optimizers do.
 *
 * <p>The parameters' data type (float32 or float64, the same for all) is the data type of every piece of optimizer
 * state and of the update arithmetic, so a float64 run can be compared with PyTorch's float64 run step for step.
 * Optimizer state lives off-heap: {@link #close()} frees it.
 */
public abstract class Optimizer implements AutoCloseable {

    private final List<INDArray> params;
    private final DataType dataType;
    private final List<INDArray> grads;
    private double learningRate;
    private int steps;
    private boolean closed;

    /** An optimizer of these arrays (non-empty, all float32 or all float64); the learning rate is set by subclasses. */
    protected Optimizer(List<INDArray> params) {
        if (params == null || params.isEmpty()) throw new IllegalArgumentException("an optimizer needs at least one parameter");
        DataType type = params.get(0).dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE)
            throw new IllegalArgumentException("parameters must be float32 or float64, not " + type);
        for (INDArray p : params) {
            if (p.dataType() != type)
                throw new IllegalArgumentException("parameters mix data types (" + type + " and " + p.dataType() + ")");
            if (p.isView()) throw new IllegalArgumentException("parameters must be whole arrays, not views");
        }
        this.params = Collections.unmodifiableList(new ArrayList<>(params));
        this.dataType = type;
        List<INDArray> g = new ArrayList<>();
        for (INDArray p : params) g.add(Nd4j.zeros(type, p.shape()));
        this.grads = Collections.unmodifiableList(g);
    }

    /** One optimizer step as torch.optim's step(closure): returns the loss of the closure's first evaluation. */
    public abstract double step(Closure closure);

    /** Steps taken so far. */
    public int steps() {
        return steps;
    }

    /** Current learning rate (schedules change it between steps). */
    public double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate used by the following steps. */
    public void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be >= 0, not " + lr);
        this.learningRate = lr;
    }

    /** The parameter arrays being optimized (same objects as given). */
    public List<INDArray> parameters() {
        return params;
    }

    /** The data type of the parameters and of all optimizer state. */
    public DataType dataType() {
        return dataType;
    }

    /** The optimizer's state arrays by name (copies), for checkpoints; optimizers without saved state say so. */
    public Map<String, INDArray> state() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot save its state");
    }

    /** Restores {@link #state()} and the number of steps taken (resuming from a checkpoint). */
    public void loadState(Map<String, INDArray> state, int steps) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot restore a state");
    }

    /** Zeroes the gradient arrays, evaluates the closure into them and returns its loss (a NaN loss is an error). */
    protected final double evaluate(Closure closure) {
        checkOpen();
        for (INDArray g : grads) g.assign(0);
        double loss = closure.evaluate(grads);
        if (Double.isNaN(loss)) throw new ArithmeticException("the loss is NaN (a learning rate too high?)");
        return loss;
    }

    /** The gradient arrays the last {@link #evaluate} filled (owned by this optimizer). */
    protected final List<INDArray> gradients() {
        return grads;
    }

    /** Counts a finished step. */
    protected final void countStep() {
        steps++;
    }

    /** Restores the step counter (resuming from a checkpoint). */
    protected final void setSteps(int steps) {
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0");
        this.steps = steps;
    }

    /** A double rounded to the parameters' data type: scalars that PyTorch keeps in 0-d tensors of that type. */
    protected final double rounded(double v) {
        return dataType == DataType.FLOAT ? (float) v : v;
    }

    /** Throws once the optimizer is closed. */
    protected final void checkOpen() {
        if (closed) throw new IllegalStateException("this optimizer is closed");
    }

    /** Frees the arrays of subclass state; called once by {@link #close()}. */
    protected abstract void releaseState();

    /** Frees the optimizer state (off-heap arrays) now. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        releaseState();
        for (INDArray g : grads) Arrays.release(g);
    }
}
