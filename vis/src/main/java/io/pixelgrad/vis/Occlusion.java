package io.pixelgrad.vis;

import io.pixelgrad.autograd.nn.Module;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Occlusion (Zeiler and Fergus 2014): slide a square patch of a fill value over the image and record how much the
 * class score drops, heat[i,j] = S_c(x) - S_c(x with the patch at (i*stride, j*stride) filled). Patches are only
 * placed where they fit whole. The occluded copies go through the network in batches of bounded size.
 */
public final class Occlusion implements Explainer {

    private final Module model;
    private final int patch, stride, batchSize;
    private final float fill;
    private final ProgressListener progress;

    /** Occlusion with a patch side, a stride, a fill value (in normalized input space; 0 is the dataset mean). */
    public Occlusion(Module model, int patch, int stride, float fill) {
        this(model, patch, stride, fill, 8, ProgressListener.NONE);
    }

    /** As above, with the most images per forward pass and a progress listener (counts forward passes of images). */
    public Occlusion(Module model, int patch, int stride, float fill, int batchSize, ProgressListener progress) {
        if (patch < 1) throw new IllegalArgumentException("patch must be at least 1 pixel, not " + patch);
        if (stride < 1) throw new IllegalArgumentException("stride must be at least 1 pixel, not " + stride);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        this.model = model;
        this.patch = patch;
        this.stride = stride;
        this.fill = fill;
        this.batchSize = batchSize;
        this.progress = progress;
    }

    @Override
    public String name() {
        return "occlusion";
    }

    /** Checks that the patch fits an image of this size (before any work or output). */
    public void check(long height, long width) {
        if (patch > height || patch > width)
            throw new IllegalArgumentException("occlusion patch " + patch + " is larger than the image " + width + "x" + height);
    }

    @Override
    public Attribution attribute(INDArray input, Target target) {
        INDArray x = Passes.asBatchOfOne(input);
        int c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        check(h, w);
        INDArray logits = Passes.logits(model, x);
        int cls = Passes.resolveClass(target, logits);
        float score = logits.getFloat(0, cls);
        int gh = (h - patch) / stride + 1, gw = (w - patch) / stride + 1, total = gh * gw;
        float[] image = Passes.floats(x);
        float[] heat = new float[total];
        int plane = h * w;
        for (int start = 0; start < total; start += batchSize) {
            int n = Math.min(batchSize, total - start);
            float[] batch = new float[n * c * plane];
            for (int b = 0; b < n; b++) {
                System.arraycopy(image, 0, batch, b * c * plane, c * plane);
                int y0 = (start + b) / gw * stride, x0 = (start + b) % gw * stride;
                for (int ch = 0; ch < c; ch++)
                    for (int y = y0; y < y0 + patch; y++)
                        java.util.Arrays.fill(batch, b * c * plane + ch * plane + y * w + x0, b * c * plane + ch * plane + y * w + x0 + patch, fill);
            }
            INDArray in = Passes.array(batch, n, c, h, w);
            float[] out = Passes.floatsAndRelease(Passes.logits(model, in));
            io.pixelgrad.engine.Arrays.release(in);
            int classes = out.length / n;
            for (int b = 0; b < n; b++) heat[start + b] = score - out[b * classes + cls];
            progress.progress(start + n, total);
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("patch", patch);
        p.put("stride", stride);
        p.put("fill", fill);
        p.put("batch_size", batchSize);
        p.put("score", score);
        return new Attribution(name(), Attribution.Kind.GRID, heat, new int[]{gh, gw}, null, null, cls, null, h, w, p);
    }
}
