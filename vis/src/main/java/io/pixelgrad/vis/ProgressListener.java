package io.pixelgrad.vis;

/** Told how much of a long computation (occlusion, SmoothGrad, integrated gradients) is done, for progress bars. */
@FunctionalInterface
public interface ProgressListener {

    /** Called after each batch: done out of total units (forward passes or samples). */
    void progress(long done, long total);

    /** A listener that ignores everything. */
    ProgressListener NONE = (d, t) -> {
    };
}
