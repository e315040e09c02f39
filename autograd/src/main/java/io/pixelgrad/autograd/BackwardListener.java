package io.pixelgrad.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Watches a backward pass step by step: for each function, the gradient that arrived at its output and the
 * gradients it sent to its inputs. Used by gradient traces (teaching) and profiling. Arrays are only valid during
 * the call.
 */
@FunctionalInterface
public interface BackwardListener {

    /** Called after function f turned gradOutput into gradInputs (entries may be null), taking nanos nanoseconds. */
    void onStep(Function f, INDArray gradOutput, INDArray[] gradInputs, long nanos);

    /**
     * Whether every function must be reported on its own. A listener that answers false (a profiler) lets the tape
     * take a max-pool and the ReLU before it as one step, reported as the max-pool; traces keep the default.
     */
    default boolean needsEveryStep() {
        return true;
    }

    /**
     * The given listener, answering false to {@link #needsEveryStep()}: for profilers, which want the steps that
     * passes without a listener take.
     */
    static BackwardListener withShortcuts(BackwardListener steps) {
        return new BackwardListener() {
            @Override
            public void onStep(Function f, INDArray gradOutput, INDArray[] gradInputs, long nanos) {
                steps.onStep(f, gradOutput, gradInputs, nanos);
            }

            @Override
            public boolean needsEveryStep() {
                return false;
            }
        };
    }

    /** A listener that does nothing. */
    BackwardListener NONE = (f, g, gi, t) -> {
    };
}
