package io.pixelgrad.cli;

import io.pixelgrad.autograd.nn.AdaptiveAvgPool2d;
import io.pixelgrad.autograd.nn.AvgPool2d;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Linear;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.engine.PoolSpec;
import io.pixelgrad.zoo.models.Classifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every layer of a classifier with its output shape, parameter count and receptive field, worked out from the layer
 * geometry alone (no forward pass, so it is instant even for VGG19).
 *
 * <p>Receptive field as in techniques.md, per axis, starting from one input pixel (size 1, jump 1, start 0 = centre of
 * the first pixel, in input pixel coordinates): jump j' = j*s, size r' = r + (k-1)*d*j,
 * start' = start + ((k-1)*d/2 - p)*j. Fully connected layers see the whole input; an adaptive pooling that is not the
 * identity or an even split has no single receptive field, and the columns say so.
 */
public final class LayerTable {

    /** One layer: full module name, description, output shape, parameters, and receptive field (size 0 = whole input, -1 = varies). */
    public record Row(String name, String description, long[] outputShape, long parameters, long rfSize, long rfJump, double rfStart) {
    }

    private LayerTable() {
    }

    /** The rows for an input of shape [N, C, H, W] (square receptive fields are computed along H). */
    public static List<Row> forInput(Classifier model, long[] inputShape) {
        if (inputShape.length != 4) throw new UserException("input must be [N, C, H, W], not " + Arrays.toString(inputShape));
        long n = inputShape[0], c = inputShape[1], h = inputShape[2], w = inputShape[3];
        long size = 1, jump = 1;
        double start = 0;
        boolean whole = false, varies = false;
        List<Row> rows = new ArrayList<>();
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
                int d = conv.spec().dilationH();
                start += ((k - 1) * d / 2.0 - conv.spec().padH()) * jump;
                size += (long) (k - 1) * d * jump;
                jump *= conv.spec().strideH();
                shape = new long[]{n, c, h, w};
            } else if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
                PoolSpec p = m instanceof MaxPool2d mp ? mp.spec() : ((AvgPool2d) m).spec();
                h = p.outH(h);
                w = p.outW(w);
                if (h < 1 || w < 1) throw tooSmall(m, inputShape);
                start += ((p.kernelH() - 1) * p.dilationH() / 2.0 - p.padH()) * jump;
                size += (long) (p.kernelH() - 1) * p.dilationH() * jump;
                jump *= p.strideH();
                shape = new long[]{n, c, h, w};
            } else if (m instanceof AdaptiveAvgPool2d a) {
                if (h != a.outH()) {
                    if (h % a.outH() == 0 && h >= a.outH()) {
                        long k = h / a.outH(); // an even split is an ordinary pooling with kernel = stride
                        start += (k - 1) / 2.0 * jump;
                        size += (k - 1) * jump;
                        jump *= k;
                    } else {
                        varies = true;
                    }
                }
                h = a.outH();
                w = a.outW();
                shape = new long[]{n, c, h, w};
            } else if (m instanceof Linear lin) {
                long in = lin.weight().value().size(1), out = lin.weight().value().size(0);
                long features = c;
                if (features != in) {
                    throw geometry(m, "expects " + in + " input features but an input of " + inputShape[2] + "x" + inputShape[3]
                            + " gives " + features + (model.architecture().startsWith("caffe_alexnet") ? " (caffe_alexnet needs 227x227)" : ""));
                }
                c = out;
                whole = true;
                shape = new long[]{n, out};
            } else {
                shape = flattened ? new long[]{n, c} : new long[]{n, c, h, w};
            }
            long params = 0;
            for (var p : m.parameters().values()) params += p.value().length();
            rows.add(new Row(m.name(), m.describe(), shape, params, whole ? 0 : varies ? -1 : size, whole || varies ? 0 : jump,
                    whole || varies ? Double.NaN : start));
        }
        return rows;
    }

    private static UserException geometry(Module m, String what) {
        return new UserException("layer " + m.name() + " (" + m.describe() + ") " + what);
    }

    private static UserException tooSmall(Module m, long[] inputShape) {
        return new UserException("an input of " + inputShape[2] + "x" + inputShape[3] + " is too small: nothing is left after layer "
                + m.name() + " (" + m.describe() + ")");
    }
}
