package io.pixelgrad.vis.synthesis;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The objective or the picture stopped being finite during input optimization. The message names the step and the
 * regularizer that would bound the growth; the last finite picture is kept for the caller to save.
 */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The step (1-based) at which the objective or the picture stopped being finite. */
    private final int step;
    private final transient INDArray lastFinitePicture;

    /** A divergence at a step (1-based), with the picture after the last finite step (null if there was none). */
    public DivergenceException(String message, int step, INDArray lastFinitePicture) {
        super(message);
        this.step = step;
        this.lastFinitePicture = lastFinitePicture;
    }

    /** The step (1-based) at which the values stopped being finite. */
    public int step() {
        return step;
    }

    /** The picture [N,C,H,W] after the last finite step, or null. */
    public INDArray lastFinitePicture() {
        return lastFinitePicture;
    }
}
