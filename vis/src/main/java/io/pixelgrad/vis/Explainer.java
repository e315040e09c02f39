package io.pixelgrad.vis;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The one call shape every attribution method shares (like Captum's {@code attribute(input, target)}). */
public interface Explainer {

    /** Explains the target for one normalized input [1,C,H,W] (or [C,H,W]); the result holds its own copies. */
    Attribution attribute(INDArray input, Target target);

    /** A short method name used for file names and reports, e.g. "saliency". */
    String name();
}
