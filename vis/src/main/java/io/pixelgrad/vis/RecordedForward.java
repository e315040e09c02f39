package io.pixelgrad.vis;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One image's forward pass, recorded on a tape and kept: every layer's output (for activation views) and what the
 * backward pass needs, so that a gradient method for any class or ReLU rule runs only its backward pass. This is
 * PyTorch's {@code backward(retain_graph=True)}; an interactive explorer asks for one map after another on one image.
 *
 * <p>Uses are serialized: callers run their work inside {@link #use}, which also refuses a closed recording.
 */
public final class RecordedForward implements AutoCloseable {

    /** Work done with the recording while no one else uses it. */
    @FunctionalInterface
    public interface Use<T> {
        /** Does the work; tensors of the recording must not escape it. */
        T apply(RecordedForward recorded);
    }

    private final Module model;
    private final INDArray batch;
    private final Tape tape;
    private final Tensor input;
    private final Tensor logits;
    private boolean closed;

    private RecordedForward(Module model, INDArray batch) {
        this.model = model;
        this.batch = batch;
        this.tape = new Tape().watchAll();
        try {
            this.input = tape.input(batch);
            this.logits = model.forward(input);
        } catch (RuntimeException e) {
            tape.close();
            throw e;
        }
    }

    /** Runs and records the model's forward pass on one image ([C,H,W] or [1,C,H,W]; the recording keeps a copy). */
    public static RecordedForward of(Module model, INDArray image) {
        INDArray x = Passes.asBatchOfOne(model, image);
        // without a cast, x is the caller's image or a reshape sharing its memory: the recording must outlive both
        INDArray own = x.dataType() == image.dataType() ? x.dup('c') : x;
        try {
            return new RecordedForward(model, own);
        } catch (RuntimeException e) {
            Arrays.release(own);
            throw e;
        }
    }

    /** Runs work with this recording, one caller at a time; an error if the recording has been closed. */
    public synchronized <T> T use(Use<T> work) {
        if (closed) throw new IllegalStateException("this recorded forward pass has been closed");
        return work.apply(this);
    }

    /** The model that was run. */
    public Module model() {
        return model;
    }

    /** The input [1,C,H,W] in the model's data type. */
    public INDArray batch() {
        return batch;
    }

    /** The tape holding the pass (every module's output is recorded on it). */
    public Tape tape() {
        return tape;
    }

    /** The input as the leaf that gradients reach. */
    public Tensor input() {
        return input;
    }

    /** The logits [1, classes]. */
    public Tensor logits() {
        return logits;
    }

    /** Whether {@link #close} has run. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Frees the recording (waits for a use in progress to finish). */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        tape.close();
        Arrays.release(batch);
    }
}
