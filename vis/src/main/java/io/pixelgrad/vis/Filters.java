package io.pixelgrad.vis;

import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Module;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.pixelgrad.vis.render.Render;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A conv layer's filters as pictures: the first layer's as RGB tiles, any layer's as grey tiles (one per filter and
 * input channel), plus a smoothness score per filter. Noisy first-layer filters point to an unconverged network or
 * too little regularization.
 */
public final class Filters {

    private final String layer;
    private final DataType dataType;
    private final double[] weights;
    private final int out, in, kh, kw;

    private Filters(String layer, DataType dataType, double[] weights, int out, int in, int kh, int kw) {
        this.layer = layer;
        this.dataType = dataType;
        this.weights = weights;
        this.out = out;
        this.in = in;
        this.kh = kh;
        this.kw = kw;
    }

    /** The filters of a conv layer of the model (a one-line error if the name is not a conv layer). */
    public static Filters of(Module model, String layer) {
        Passes.requireLayer(model, layer);
        if (!(model.modules().get(layer) instanceof Conv2d conv))
            throw new IllegalArgumentException("layer " + layer + " is a " + model.modules().get(layer).describe()
                    + ", not a convolution: it has no filters to show");
        long[] s = conv.weight().value().shape();
        return new Filters(layer, conv.weight().value().dataType(), Passes.values(conv.weight().value()),
                (int) s[0], (int) s[1], (int) s[2], (int) s[3]);
    }

    /** The first convolution's name in module order (e.g. "features.0"). */
    public static String firstConv(Module model) {
        for (var e : model.modules().entrySet()) if (e.getValue() instanceof Conv2d) return e.getKey();
        throw new IllegalArgumentException("the model has no convolution");
    }

    /** The layer's name. */
    public String layer() {
        return layer;
    }

    /** The raw weights [out, in, kh, kw], row-major, exactly (do not modify). */
    public double[] weights() {
        return weights;
    }

    /** The weights as a new [out, in, kh, kw] array of the model's data type (for .npy files). */
    public INDArray array() {
        return Passes.array(weights, dataType, out, in, kh, kw);
    }

    /** The weight shape [out, in, kh, kw]. */
    public int[] shape() {
        return new int[]{out, in, kh, kw};
    }

    /**
     * Total variation over squared norm for each filter: sum of squared differences between vertical and horizontal
     * neighbours (every input channel) divided by the sum of squares. About 0 for smooth filters, up to 8 for a
     * checkerboard; white noise scores about 2 * (1 - 1/k) per axis.
     */
    public double[] smoothness() {
        double[] score = new double[out];
        int size = in * kh * kw;
        for (int o = 0; o < out; o++) {
            double tv = 0, norm = 0;
            for (int c = 0; c < in; c++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++) {
                        double v = weights[o * size + (c * kh + y) * kw + x];
                        norm += v * v;
                        if (y + 1 < kh) tv += sq(weights[o * size + (c * kh + y + 1) * kw + x] - v);
                        if (x + 1 < kw) tv += sq(weights[o * size + (c * kh + y) * kw + x + 1] - v);
                    }
            score[o] = norm == 0 ? 0 : tv / norm;
        }
        return score;
    }

    private static double sq(double d) {
        return d * d;
    }

    /** Whether the filters can be drawn in colour (three input channels: the first layer). */
    public boolean isRgb() {
        return in == 3;
    }

    /**
     * The filters as a grid: RGB tiles (each filter min-max scaled on its own) for a 3-channel layer, grey tiles in a
     * square grid for a 1-channel (grey network's first) layer, else one row of grey tiles per filter (each tile
     * min-max scaled), at most maxInputs input channels per row. Tiles are enlarged
     * to at least 24 pixels.
     */
    public BufferedImage render(int maxInputs) {
        int scale = Math.max(1, 24 / Math.max(kh, kw));
        List<BufferedImage> tiles = new ArrayList<>();
        int size = in * kh * kw;
        if (isRgb()) {
            for (int o = 0; o < out; o++) {
                float[] f = Passes.floats(java.util.Arrays.copyOfRange(weights, o * size, (o + 1) * size));
                tiles.add(Render.enlarge(Render.rgbScaled(f, kh, kw), scale));
            }
            return Render.grid(tiles, (int) Math.ceil(Math.sqrt(out)), 2);
        }
        if (in == 1) {
            // A grey network's first layer: one tile per filter, in a square grid like the RGB case.
            for (int o = 0; o < out; o++)
                tiles.add(Render.enlarge(Render.grey(Maps.minMax(Passes.floats(java.util.Arrays.copyOfRange(weights, o * size, (o + 1) * size))), kh, kw), scale));
            return Render.grid(tiles, (int) Math.ceil(Math.sqrt(out)), 2);
        }
        int cols = Math.min(in, maxInputs);
        for (int o = 0; o < out; o++)
            for (int c = 0; c < cols; c++) {
                float[] f = Passes.floats(java.util.Arrays.copyOfRange(weights, o * size + c * kh * kw, o * size + (c + 1) * kh * kw));
                tiles.add(Render.enlarge(Render.grey(Maps.minMax(f), kh, kw), scale));
            }
        return Render.grid(tiles, cols, 1);
    }
}
