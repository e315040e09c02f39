package io.pixelgrad.explorer;

import io.pixelgrad.vis.ProgressListener;
import io.pixelgrad.zoo.models.Classifier;

import java.awt.image.BufferedImage;

/**
 * Feature visualization of a unit: a picture that excites it, made by optimizing the input ({@link SynthesisVisualizer}
 * runs io.pixelgrad.vis.synthesis with {@code pixelgrad maximize}'s defaults). The page's "Feature visualization"
 * button for the selected unit is enabled when a visualizer is given to {@link ExplorerServer.Builder#featureVisualizer},
 * and runs as a job with progress and cancel like SmoothGrad; without one the button is greyed out and the API
 * answers 501.
 */
@FunctionalInterface
public interface FeatureVisualizer {

    /**
     * A picture (the model's input size) that maximizes the unit: channel {@code channel} of {@code layer}. Call
     * progress after each optimization step; it throws to cancel, and the picture is then discarded.
     */
    BufferedImage visualize(Classifier model, String layer, int channel, ProgressListener progress);

    /** The settings every picture is made with, shown under it (e.g. "512 steps, 28 px, seed 0"); empty by default. */
    default String describe() {
        return "";
    }
}
