package io.pixelgrad.explorer;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Dropout;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.RecordedForward;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Every layer's output for one image from ONE (recorded) forward pass, reduced to thumbnails: the data of the page's
 * overview. Like vis's ActivationMaps, but for all layers at once (ActivationMaps.of would run the network once per
 * layer).
 *
 * <p>A feature map [C,h,w] becomes C thumbnails of at most maxSide pixels a side: the map is cut into f x f blocks,
 * f = ceil(max(h,w) / maxSide), and each thumbnail pixel is its block's mean (blocks at the right and bottom edges may
 * be partial; their mean is over the pixels they hold). Each channel is then quantized to 8 bits on its own scale,
 * s = max |thumbnail value|: q = round(255 v / s) when the layer has no negative value (after a ReLU or a pool), else
 * q = round(127.5 (v / s + 1)). A fully connected output [N] is kept as N values quantized on the layer's scale.
 */
final class LayerActivations {

    /** One layer's thumbnails. */
    record Layer(String name, String description, boolean maps, int[] shape, int thumbH, int thumbW, boolean signed,
                 float[] scales, double max, byte[] data) {
    }

    private LayerActivations() {
    }

    /** The leaf layers' thumbnails in forward order, from a recorded forward pass (it records every module's output). */
    static List<Layer> of(RecordedForward recorded, int maxSide) {
        Module model = recorded.model();
        Tape tape = recorded.tape();
        List<Layer> layers = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (String name : tape.capturedNames()) {
            Module m = model.modules().get(name);
            // containers repeat their last child's output; Dropout is the identity when explaining
            if (name.isEmpty() || m == null || !m.children().isEmpty() || m instanceof Dropout) continue;
            Tensor t = tape.output(name);
            if (!seen.add(t)) continue;
            long[] s = t.shape();
            float[] v = Passes.floats(t.value());
            if (s.length == 4) layers.add(maps(name, m.describe(), v, (int) s[1], (int) s[2], (int) s[3], maxSide));
            else if (s.length == 2) layers.add(vector(name, m.describe(), v));
        }
        return layers;
    }

    static Layer maps(String name, String description, float[] v, int channels, int h, int w, int maxSide) {
        int f = (Math.max(h, w) + maxSide - 1) / maxSide;
        int th = (h + f - 1) / f, tw = (w + f - 1) / f;
        float[] thumbs = new float[channels * th * tw];
        boolean signed = false;
        double max = 0;
        for (float a : v) {
            signed |= a < 0;
            max = Math.max(max, Math.abs(a));
        }
        for (int c = 0; c < channels; c++)
            for (int ty = 0; ty < th; ty++)
                for (int tx = 0; tx < tw; tx++) {
                    double sum = 0;
                    int n = 0;
                    for (int y = ty * f; y < Math.min(h, ty * f + f); y++)
                        for (int x = tx * f; x < Math.min(w, tx * f + f); x++) {
                            sum += v[(c * h + y) * w + x];
                            n++;
                        }
                    thumbs[(c * th + ty) * tw + tx] = (float) (sum / n);
                }
        float[] scales = new float[channels];
        byte[] q = new byte[thumbs.length];
        int plane = th * tw;
        for (int c = 0; c < channels; c++) {
            float s = 0;
            for (int i = 0; i < plane; i++) s = Math.max(s, Math.abs(thumbs[c * plane + i]));
            scales[c] = s;
            for (int i = 0; i < plane; i++) q[c * plane + i] = quantize(thumbs[c * plane + i], s, signed);
        }
        return new Layer(name, description, true, new int[]{channels, h, w}, th, tw, signed, scales, max, q);
    }

    static Layer vector(String name, String description, float[] v) {
        boolean signed = false;
        float s = 0;
        for (float a : v) {
            signed |= a < 0;
            s = Math.max(s, Math.abs(a));
        }
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) q[i] = quantize(v[i], s, signed);
        return new Layer(name, description, false, new int[]{v.length}, 1, 1, signed, new float[]{s}, s, q);
    }

    /** 8 bits on the scale s: see the class comment (the page undoes it to colour each thumbnail). */
    static byte quantize(float v, float s, boolean signed) {
        if (!(s > 0)) return (byte) (signed ? 128 : 0);
        double t = v / s;
        long q = signed ? Math.round(127.5 * (t + 1)) : Math.round(255 * t);
        return (byte) Math.max(0, Math.min(255, q));
    }
}
