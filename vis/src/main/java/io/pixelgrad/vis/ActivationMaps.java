package io.pixelgrad.vis;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.vis.render.Render;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Every channel of a layer's output for one image, as grey tiles in a grid; and, over a set of images, the dead
 * channels (zero, or below, at every position of every image).
 */
public final class ActivationMaps {

    private final String layer;
    private final float[] values;
    private final int channels, h, w;

    private ActivationMaps(String layer, float[] values, int channels, int h, int w) {
        this.layer = layer;
        this.values = values;
        this.channels = channels;
        this.h = h;
        this.w = w;
    }

    /** The activations of a layer (output [1,C,h,w]) for one input. */
    public static ActivationMaps of(Module model, INDArray input, String layer) {
        INDArray x = Passes.asBatchOfOne(input);
        float[] v;
        long[] s;
        try (Tape tape = new Tape()) {
            capture(model, x, layer, tape);
            v = Passes.floats(tape.output(layer).value());
            s = tape.output(layer).shape();
        }
        if (s.length != 4)
            throw new IllegalArgumentException("layer " + layer + " gives " + java.util.Arrays.toString(s) + ", not feature maps");
        return new ActivationMaps(layer, v, (int) s[1], (int) s[2], (int) s[3]);
    }

    private static void capture(Module model, INDArray batch, String layer, Tape tape) {
        Passes.requireLayer(model, layer);
        tape.watch(layer);
        Tensor x = tape.constant(batch);
        // A classifier stops at the layer; the fully connected part is not needed for feature maps.
        if (model instanceof Classifier c) c.forwardTo(x, layer);
        else model.forward(x);
    }

    /** Channels whose activation is at most 0 at every position of every image of the batch [N,C,H,W]. */
    public static List<Integer> deadChannels(Module model, INDArray batch, String layer) {
        try (Tape tape = new Tape()) {
            capture(model, batch, layer, tape);
            INDArray a = tape.output(layer).value();
            long[] s = a.shape();
            float[] v = Passes.floats(a);
            int n = (int) s[0], c = (int) s[1];
            int plane = v.length / (n * c);
            List<Integer> dead = new ArrayList<>();
            for (int k = 0; k < c; k++) {
                boolean alive = false;
                for (int i = 0; i < n && !alive; i++)
                    for (int j = 0; j < plane && !alive; j++) alive = v[(i * c + k) * plane + j] > 0;
                if (!alive) dead.add(k);
            }
            return dead;
        }
    }

    /** The layer's name. */
    public String layer() {
        return layer;
    }

    /** The activations [C,h,w], row-major. */
    public float[] values() {
        return values;
    }

    /** [C, h, w]. */
    public int[] shape() {
        return new int[]{channels, h, w};
    }

    /** Channels that are zero (or below) everywhere for this image. */
    public List<Integer> silentChannels() {
        List<Integer> silent = new ArrayList<>();
        int plane = h * w;
        for (int k = 0; k < channels; k++) {
            boolean alive = false;
            for (int j = 0; j < plane && !alive; j++) alive = values[k * plane + j] > 0;
            if (!alive) silent.add(k);
        }
        return silent;
    }

    /**
     * All channels as grey tiles in a near-square grid, on one scale shared by all channels (0 black, the layer's
     * maximum white), so strong and weak channels can be told apart. Small maps are enlarged.
     */
    public BufferedImage grid() {
        float max = 0;
        for (float v : values) max = Math.max(max, v);
        int scale = Math.max(1, 48 / Math.max(h, w));
        List<BufferedImage> tiles = new ArrayList<>();
        int plane = h * w;
        for (int k = 0; k < channels; k++) {
            float[] t = new float[plane];
            for (int j = 0; j < plane; j++) t[j] = max > 0 ? Math.max(0, values[k * plane + j]) / max : 0;
            tiles.add(Render.enlarge(Render.grey(t, h, w), scale));
        }
        return Render.grid(tiles, (int) Math.ceil(Math.sqrt(channels)), 2);
    }
}
