package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.nn.Module;

import java.util.ArrayList;
import java.util.List;

/**
 * Feature visualization (activation maximization, Erhan et al. 2009; Olah et al. 2017): the picture that most excites a
 * unit, a channel or any objective, found by input optimization with Lucent's defaults: fft parameters, decorrelated
 * colours, the standard transforms, Adam with lr 0.05, 512 steps.
 */
public final class FeatureVisualization {

    private FeatureVisualization() {
    }

    /** A loop for any objective on one picture of side size x size, with Lucent's defaults (adjust before run()). */
    public static RenderLoop of(Module model, InputSpace space, Objective objective, ImageParam param) {
        return RenderLoop.of(model, space, param, objective).transforms(Transforms.standard());
    }

    /** Lucent's default picture: fft, decorrelated (3 channels), side x side. */
    public static ImageParam defaultParam(int channels, int side, int batch) {
        return ImageParam.fft(batch, channels, side, side, channels == 3);
    }

    /**
     * The objective of a grid of channels 0..n-1 of a layer: a batch of n pictures, picture b maximizing channel b
     * (sum over b of channel(L, b) on picture b).
     */
    public static Objective grid(String layer, int n) {
        return grid(layer, 0, n);
    }

    /** The grid objective of channels first..first+n-1. */
    public static Objective grid(String layer, int first, int n) {
        if (n < 1) throw new IllegalArgumentException("a grid needs at least one channel, not " + n);
        List<Objective> parts = new ArrayList<>();
        for (int b = 0; b < n; b++) parts.add(Objective.channel(layer, first + b, b));
        return Objective.sum(parts);
    }
}
