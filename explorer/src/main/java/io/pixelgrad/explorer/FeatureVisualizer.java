package io.pixelgrad.explorer;

import io.pixelgrad.vis.ProgressListener;
import io.pixelgrad.zoo.models.Classifier;

import java.awt.image.BufferedImage;

/**
 * EXTENSION POINT for feature visualization (issue 8, io.pixelgrad.vis.synthesis): a picture that excites one unit,
 * made by optimizing the input. The page shows a "Feature visualization" panel for the selected unit; it is enabled
 * as soon as a visualizer is given to {@link ExplorerServer.Builder#featureVisualizer}, and then runs as a job with
 * progress and cancel like SmoothGrad. Until then the panel says it is not available and the API answers 501.
 */
@FunctionalInterface
public interface FeatureVisualizer {

    /**
     * A picture (the model's input size) that maximizes the unit: channel {@code channel} of {@code layer}. Call
     * progress after each optimization step; it throws to cancel, and the picture is then discarded.
     */
    BufferedImage visualize(Classifier model, String layer, int channel, ProgressListener progress);
}
