package io.pixelgrad.zoo.models;

import io.pixelgrad.autograd.nn.AdaptiveAvgPool2d;
import io.pixelgrad.autograd.nn.AvgPool2d;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Linear;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.engine.PoolSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every layer of a classifier with its output shape, parameter count and receptive field, worked out from the layer
 * geometry alone (no forward pass, so it is instant even for VGG19). The one definition of receptive fields in
 * pixelgrad: {@code pixelgrad layers} prints it and the data-set views crop patches with it.
 *
 * <p>Per axis, starting from one input pixel (size 1, jump 1, start 0 = centre of the first pixel, in input pixel
 * coordinates), each convolution or pooling of kernel k, stride s, padding p and dilation d gives jump j' = j*s, size
 * r' = r + (k-1)*d*j, start' = start + ((k-1)*d/2 - p)*j (techniques.md). Unit i of a layer is centred on input
 * coordinate start + i*j and sees the r pixels around it. Fully connected layers see the whole input; an adaptive
 * pooling that is not the identity or an even split has no single receptive field.
 */
public final class LayerGeometry {

    /** How much of the input a layer's unit sees. */
    public enum Extent {
        /** A window of the input: the {@link Axis} sizes, jumps and starts of the {@link ReceptiveField} say which. */
        LOCAL,
        /** Every input pixel (fully connected layers and everything after them). */
        WHOLE,
        /** Units see windows of different sizes (an adaptive pooling that is not an even split). */
        VARIES
    }

    /**
     * The receptive field along one axis: size r, jump j and twice the start (kept as an integer so that pixel
     * bounds are exact: starts are whole or half pixels).
     *
     * @param size        pixels one unit sees
     * @param jump        input pixels between neighbouring units
     * @param twiceStart  2 x the input coordinate of unit 0's centre (0 = centre of pixel 0)
     */
    public record Axis(long size, long jump, long twiceStart) {

        /** The input coordinate of unit 0's centre (0 = centre of pixel 0; may be negative or a half pixel). */
        public double start() {
            return twiceStart / 2.0;
        }

        /** The first input pixel unit i sees, before clipping (may be negative). */
        public long first(long i) {
            // start - (r-1)/2 is whole: the recurrence keeps 2*start - (r-1) even (each step adds an even amount)
            return (twiceStart - (size - 1)) / 2 + i * jump;
        }

        /** The last input pixel unit i sees, before clipping (may be past the border). */
        public long last(long i) {
            return first(i) + size - 1;
        }
    }

    /**
     * A layer's receptive field: local (with both axes), the whole input, or varying.
     *
     * @param extent local, whole or varies
     * @param rows   the field along the height (null unless local)
     * @param cols   the field along the width (null unless local)
     */
    public record ReceptiveField(Extent extent, Axis rows, Axis cols) {

        /** The input window unit (y, x) sees, clipped to an input of height x width: rows [top, bottom), columns [left, right). */
        public Box box(int y, int x, int height, int width) {
            if (extent != Extent.LOCAL) return new Box(0, 0, height, width);
            long top = Math.max(0, rows.first(y)), bottom = Math.min(height, rows.last(y) + 1);
            long left = Math.max(0, cols.first(x)), right = Math.min(width, cols.last(x) + 1);
            return new Box((int) top, (int) left, (int) Math.max(top, bottom), (int) Math.max(left, right));
        }
    }

    /** A rectangle of input pixels: rows [top, bottom), columns [left, right). */
    public record Box(int top, int left, int bottom, int right) {
        /** Rows in the box. */
        public int height() {
            return bottom - top;
        }

        /** Columns in the box. */
        public int width() {
            return right - left;
        }
    }

    /**
     * One layer: full module name, description, output shape, parameters and receptive field.
     *
     * @param name          the module's name, e.g. "features.3"
     * @param description   what the module is, e.g. "Conv2d(3, 64, 3, stride=1, padding=1)"
     * @param outputShape   [N, C, H, W] (or [N, F] after the flatten)
     * @param parameters    number of parameters of the module
     * @param receptiveField what one output unit sees of the input
     */
    public record Layer(String name, String description, long[] outputShape, long parameters, ReceptiveField receptiveField) {
    }

    private LayerGeometry() {
    }

    /** The layer of the given name for an input shape, or an error naming the layers. */
    public static Layer layer(Classifier model, long[] inputShape, String name) {
        List<Layer> layers = of(model, inputShape);
        for (Layer l : layers) if (l.name().equals(name)) return l;
        List<String> names = new ArrayList<>();
        for (Layer l : layers) names.add(l.name());
        throw new IllegalArgumentException("no layer '" + name + "' in " + model.architecture() + "; layers: " + String.join(", ", names));
    }

    /**
     * The layers for an input of shape [N, C, H, W]; a one-line IllegalArgumentException when the input does not fit
     * (channels, features, an input too small).
     */
    public static List<Layer> of(Classifier model, long[] inputShape) {
        if (inputShape.length != 4) throw new IllegalArgumentException("input must be [N, C, H, W], not " + Arrays.toString(inputShape));
        long n = inputShape[0], c = inputShape[1], h = inputShape[2], w = inputShape[3];
        long[] size = {1, 1}, jump = {1, 1}, start2 = {0, 0};   // per axis: rows, columns
        boolean whole = false, varies = false;
        List<Layer> rows = new ArrayList<>();
        List<Module> layers = new ArrayList<>(model.features().layers());
        if (model.avgpool() != null) layers.add(model.avgpool());
        int classifierStart = layers.size();
        boolean flattened = false;
        layers.addAll(model.classifier().layers());
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            if (i == classifierStart) {
                // Classifier flattens [N, C, H, W] to [N, C*H*W] before its first layer (torchvision's torch.flatten).
                c = c * h * w;
                h = w = 1;
                flattened = true;
            }
            long[] shape;
            if (m instanceof Conv2d conv) {
                long inChannels = conv.weight().value().size(1) * conv.spec().groups();
                if (c != inChannels) throw geometry(m, "expects " + inChannels + " input channels but gets " + c);
                int k = conv.kernel();
                h = conv.spec().outH(h, k);
                w = conv.spec().outW(w, k);
                c = conv.weight().value().size(0);
                if (h < 1 || w < 1) throw tooSmall(m, inputShape);
                step(0, k, conv.spec().strideH(), conv.spec().padH(), conv.spec().dilationH(), size, jump, start2);
                step(1, k, conv.spec().strideW(), conv.spec().padW(), conv.spec().dilationW(), size, jump, start2);
                shape = new long[]{n, c, h, w};
            } else if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
                PoolSpec p = m instanceof MaxPool2d mp ? mp.spec() : ((AvgPool2d) m).spec();
                h = p.outH(h);
                w = p.outW(w);
                if (h < 1 || w < 1) throw tooSmall(m, inputShape);
                step(0, p.kernelH(), p.strideH(), p.padH(), p.dilationH(), size, jump, start2);
                step(1, p.kernelW(), p.strideW(), p.padW(), p.dilationW(), size, jump, start2);
                shape = new long[]{n, c, h, w};
            } else if (m instanceof AdaptiveAvgPool2d a) {
                varies |= !adaptive(0, h, a.outH(), size, jump, start2) | !adaptive(1, w, a.outW(), size, jump, start2);
                h = a.outH();
                w = a.outW();
                shape = new long[]{n, c, h, w};
            } else if (m instanceof Linear lin) {
                long in = lin.weight().value().size(1), out = lin.weight().value().size(0);
                if (c != in) {
                    throw geometry(m, "expects " + in + " input features but an input of " + inputShape[2] + "x" + inputShape[3]
                            + " gives " + c + (model.architecture().startsWith("caffe_alexnet") ? " (caffe_alexnet needs 227x227)" : ""));
                }
                c = out;
                whole = true;
                shape = new long[]{n, out};
            } else {
                shape = flattened ? new long[]{n, c} : new long[]{n, c, h, w};
            }
            long params = 0;
            for (var p : m.parameters().values()) params += p.value().length();
            ReceptiveField rf = whole ? new ReceptiveField(Extent.WHOLE, null, null)
                    : varies ? new ReceptiveField(Extent.VARIES, null, null)
                    : new ReceptiveField(Extent.LOCAL, new Axis(size[0], jump[0], start2[0]), new Axis(size[1], jump[1], start2[1]));
            rows.add(new Layer(m.name(), m.describe(), shape, params, rf));
        }
        return rows;
    }

    /** One window of kernel k, stride s, padding p, dilation d along an axis: the recurrence of the class comment. */
    private static void step(int axis, long k, long s, long p, long d, long[] size, long[] jump, long[] start2) {
        start2[axis] += ((k - 1) * d - 2 * p) * jump[axis];
        size[axis] += (k - 1) * d * jump[axis];
        jump[axis] *= s;
    }

    /** An adaptive pooling along an axis: the identity, or an even split (kernel = stride = in/out); false otherwise. */
    private static boolean adaptive(int axis, long in, long out, long[] size, long[] jump, long[] start2) {
        if (in == out) return true;
        if (in % out != 0 || in < out) return false;
        long k = in / out;
        step(axis, k, k, 0, 1, size, jump, start2);
        return true;
    }

    private static IllegalArgumentException geometry(Module m, String what) {
        return new IllegalArgumentException("layer " + m.name() + " (" + m.describe() + ") " + what);
    }

    private static IllegalArgumentException tooSmall(Module m, long[] inputShape) {
        return new IllegalArgumentException("an input of " + inputShape[2] + "x" + inputShape[3] + " is too small: nothing is left after layer "
                + m.name() + " (" + m.describe() + ")");
    }
}
