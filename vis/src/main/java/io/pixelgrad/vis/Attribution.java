package io.pixelgrad.vis;

import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.vis.render.Render;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of an attribution method: the raw array exactly as computed, in the run's data type (float32 values
 * are held rounded to float32, so {@link #raw()} is exactly what the .npy file holds), an optional low-resolution map
 * (Grad-CAM and CAM at the layer's resolution), what was explained, and how to draw it.
 */
public final class Attribution {

    /** What the raw array is, which decides how it is drawn. */
    public enum Kind {
        /** A gradient-like array with the input's shape [C,H,W] (C 3, or 1 for grey networks). */
        INPUT_GRADIENT,
        /** A map over the input's pixels [H,W]. */
        PIXEL_MAP,
        /** A coarse grid [gh,gw] over the image (occlusion): drawn stretched to the image. */
        GRID
    }

    private final String method;
    private final Kind kind;
    private final DataType dataType;
    private final double[] raw;
    private final int[] shape;
    private final double[] lowRes;
    private final int[] lowResShape;
    private final int targetClass;
    private final String layer;
    private final int imageHeight, imageWidth;
    private final Map<String, Object> parameters;

    /**
     * Collects a result computed in the given data type (FLOAT or DOUBLE); values are rounded to it. Arrays are kept
     * as given for float64 (callers pass fresh copies).
     */
    public Attribution(String method, Kind kind, DataType dataType, double[] raw, int[] shape, double[] lowRes, int[] lowResShape,
                       int targetClass, String layer, int imageHeight, int imageWidth, Map<String, Object> parameters) {
        this.method = method;
        this.kind = kind;
        this.dataType = dataType;
        this.raw = Passes.round(raw, dataType);
        this.shape = shape.clone();
        this.lowRes = lowRes == null ? null : Passes.round(lowRes, dataType);
        this.lowResShape = lowResShape == null ? null : lowResShape.clone();
        this.targetClass = targetClass;
        this.layer = layer;
        this.imageHeight = imageHeight;
        this.imageWidth = imageWidth;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** The method's name, e.g. "gradcam". */
    public String method() {
        return method;
    }

    /** What the raw array holds. */
    public Kind kind() {
        return kind;
    }

    /** The data type the result was computed in (and its .npy files are written in). */
    public DataType dataType() {
        return dataType;
    }

    /** The raw values, row-major, exactly (do not modify). */
    public double[] raw() {
        return raw;
    }

    /** The raw array's shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The raw array as a new INDArray of the run's data type (for .npy files). */
    public INDArray rawArray() {
        return Passes.array(raw, dataType, longs(shape));
    }

    /** The map at the layer's resolution (Grad-CAM, CAM) as a new INDArray of the run's data type, or null. */
    public INDArray lowResArray() {
        return lowRes == null ? null : Passes.array(lowRes, dataType, longs(lowResShape));
    }

    /** The explained class, or -1 for a feature projection. */
    public int targetClass() {
        return targetClass;
    }

    /** The layer involved (Grad-CAM's, a projected feature's), or null. */
    public String layer() {
        return layer;
    }

    /** The method's parameters, for the JSON description (ordered as added). */
    public Map<String, Object> parameters() {
        return parameters;
    }

    /** Input height in pixels. */
    public int imageHeight() {
        return imageHeight;
    }

    /** Input width in pixels. */
    public int imageWidth() {
        return imageWidth;
    }

    /**
     * The single-channel map shown as a heatmap, at the image's size, scaled to [0,1]: for gradients the maximum
     * over channels of |G| (saliency's definition) with its 99th percentile as 1, for grids a bilinear stretch to the
     * image, min-max scaled. The raw .npy keeps the unscaled values.
     */
    public float[] displayMap() {
        float[] values = Passes.floats(raw);
        return switch (kind) {
            case INPUT_GRADIENT -> Maps.percentileScale(Maps.maxAbsOverChannels(values, shape[0], shape[1], shape[2]), 0.99);
            case PIXEL_MAP -> Maps.minMax(values);
            case GRID -> Maps.minMax(Passes.floats(Maps.resizeBilinear(raw, shape[0], shape[1], imageHeight, imageWidth)));
        };
    }

    /** The heatmap of {@link #displayMap()} in a colormap. */
    public BufferedImage heatmap(Colormap colormap) {
        return Render.heatmap(displayMap(), imageHeight, imageWidth, colormap);
    }

    /** The heatmap blended over the input image (same size). */
    public BufferedImage overlay(BufferedImage image, Colormap colormap) {
        return Render.overlay(image, displayMap(), imageHeight, imageWidth, colormap, 0.5);
    }

    /** For gradient methods, the gradient itself as a colour image (each channel min-max scaled); else null. */
    public BufferedImage gradientImage() {
        return kind == Kind.INPUT_GRADIENT ? Render.gradientImage(Passes.floats(raw), imageHeight, imageWidth) : null;
    }

    /** Heatmap, overlay and (for gradient methods) the colour gradient image side by side: the method's PNG. */
    public BufferedImage panel(BufferedImage image) {
        BufferedImage g = gradientImage();
        return g == null ? Render.row(4, heatmap(Colormap.JET), overlay(image, Colormap.JET))
                : Render.row(4, heatmap(Colormap.JET), overlay(image, Colormap.JET), g);
    }

    static long[] longs(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) l[i] = s[i];
        return l;
    }
}
