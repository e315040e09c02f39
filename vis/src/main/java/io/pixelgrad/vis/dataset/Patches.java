package io.pixelgrad.vis.dataset;

import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.Deconvnet;
import io.pixelgrad.vis.Target;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.LayerGeometry;
import io.pixelgrad.zoo.models.LayerGeometry.Box;
import io.pixelgrad.zoo.models.LayerGeometry.ReceptiveField;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * Maximally activating patches: the part of an image a unit sees, from the layer's receptive field
 * ({@link LayerGeometry}, the definition {@code pixelgrad layers} prints) at the position of a {@link Hit}, clipped at
 * the image border; and the same window of the unit's deconvnet projection (DeepVis's view). A patch is drawn on a
 * canvas of the whole field's size, at the place the field puts it, so a patch clipped at the border shows where it
 * was cut (mid-grey beyond the image).
 */
public final class Patches {

    private static final int OUTSIDE = 0x808080;

    private Patches() {
    }

    /** The receptive field of a layer of the model for inputs of channels x height x width. */
    public static ReceptiveField field(Classifier model, int channels, int height, int width, String layer) {
        return LayerGeometry.layer(model, new long[]{1, channels, height, width}, layer).receptiveField();
    }

    /** The input pixels the hit's unit sees, clipped to height x width: rows [top, bottom), columns [left, right). */
    public static Box box(ReceptiveField rf, Hit hit, int height, int width) {
        return rf.box(hit.y(), hit.x(), height, width);
    }

    /** The patch of a picture (the whole input's size) under the hit's receptive field, on the field's canvas. */
    public static BufferedImage crop(BufferedImage picture, ReceptiveField rf, Hit hit) {
        int h = picture.getHeight(), w = picture.getWidth();
        Box b = box(rf, hit, h, w);
        BufferedImage canvas = canvas(rf, h, w);
        int dy = rf.extent() == LayerGeometry.Extent.LOCAL ? (int) (b.top() - rf.rows().first(hit.y())) : 0;
        int dx = rf.extent() == LayerGeometry.Extent.LOCAL ? (int) (b.left() - rf.cols().first(hit.x())) : 0;
        for (int y = 0; y < b.height(); y++)
            for (int x = 0; x < b.width(); x++) canvas.setRGB(dx + x, dy + y, picture.getRGB(b.left() + x, b.top() + y));
        return canvas;
    }

    /**
     * The deconvnet projection (Zeiler and Fergus) of the hit's unit in channel c of the layer for the input
     * [1, C, H, W] it came from, cut to the same window as the patch and drawn as a colour gradient (mid-grey zero).
     */
    public static BufferedImage deconv(Classifier model, INDArray input, String layer, int channel, Hit hit, ReceptiveField rf,
                                       boolean spatial) {
        Target.Feature unit = spatial ? new Target.Feature(layer, channel, hit.y(), hit.x()) : new Target.Feature(layer, channel, null, null);
        Attribution a = new Deconvnet(model).project(input, unit);
        int[] shape = a.shape();
        int c = shape[0], h = shape[1], w = shape[2];
        Box b = box(rf, hit, h, w);
        double[] raw = a.raw();
        float[] cut = new float[c * b.height() * b.width()];
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < b.height(); y++)
                for (int x = 0; x < b.width(); x++)
                    cut[(ch * b.height() + y) * b.width() + x] = (float) raw[(ch * h + b.top() + y) * w + b.left() + x];
        BufferedImage g = Render.gradientImage(cut, b.height(), b.width());
        BufferedImage canvas = canvas(rf, h, w);
        int dy = rf.extent() == LayerGeometry.Extent.LOCAL ? (int) (b.top() - rf.rows().first(hit.y())) : 0;
        int dx = rf.extent() == LayerGeometry.Extent.LOCAL ? (int) (b.left() - rf.cols().first(hit.x())) : 0;
        Graphics2D gr = canvas.createGraphics();
        gr.drawImage(g, dx, dy, null);
        gr.dispose();
        return canvas;
    }

    private static BufferedImage canvas(ReceptiveField rf, int h, int w) {
        int ch = rf.extent() == LayerGeometry.Extent.LOCAL ? (int) rf.rows().size() : h;
        int cw = rf.extent() == LayerGeometry.Extent.LOCAL ? (int) rf.cols().size() : w;
        BufferedImage canvas = new BufferedImage(cw, ch, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < ch; y++) for (int x = 0; x < cw; x++) canvas.setRGB(x, y, OUTSIDE);
        return canvas;
    }

    /**
     * The picture scaled to fit a side x side square: enlarged by the largest whole factor (nearest neighbour, so small
     * tiles stay crisp) or shrunk by averaging the source pixels each output pixel covers. The same on every machine.
     */
    public static BufferedImage fit(BufferedImage img, int side) {
        int w = img.getWidth(), h = img.getHeight(), longest = Math.max(w, h);
        if (longest <= side) return Render.enlarge(img, Math.max(1, side / longest));
        int ow = Math.max(1, (int) ((long) w * side / longest)), oh = Math.max(1, (int) ((long) h * side / longest));
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        for (int oy = 0; oy < oh; oy++) {
            int y0 = (int) ((long) oy * h / oh), y1 = Math.max(y0 + 1, (int) ((long) (oy + 1) * h / oh));
            for (int ox = 0; ox < ow; ox++) {
                int x0 = (int) ((long) ox * w / ow), x1 = Math.max(x0 + 1, (int) ((long) (ox + 1) * w / ow));
                long r = 0, g = 0, b = 0, n = 0;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++) {
                        int p = img.getRGB(x, y);
                        r += p >> 16 & 255;
                        g += p >> 8 & 255;
                        b += p & 255;
                        n++;
                    }
                out.setRGB(ox, oy, (int) ((r + n / 2) / n) << 16 | (int) ((g + n / 2) / n) << 8 | (int) ((b + n / 2) / n));
            }
        }
        return out;
    }
}
