package io.pixelgrad.explorer;

import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.Maps;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.vis.render.Render;

import java.awt.image.BufferedImage;
import java.util.Base64;

/**
 * The pictures the page shows, drawn on the server with vis's renderers so that they are the very pixels the command
 * line writes; plus the two drawings vis has no renderer for yet (signed maps, gradients of inputs that are not RGB).
 */
final class Pictures {

    private Pictures() {
    }

    /** A PNG as a data: URL, ready for an img element. */
    static String dataUrl(BufferedImage image) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(Render.png(image));
    }

    /**
     * The colour picture of an input gradient: vis's {@link Attribution#gradientImage()} for three channels; for any
     * other channel count the first channel, mid-grey at zero and white/black at +-its 99th percentile of |g|.
     */
    static BufferedImage gradient(Attribution a) {
        if (a.kind() != Attribution.Kind.INPUT_GRADIENT) return null;
        int[] s = a.shape();
        if (s[0] == 3) return a.gradientImage();
        int h = s[1], w = s[2];
        float[] g = Passes.floats(java.util.Arrays.copyOf(a.raw(), h * w));
        return signed(g, h, w, Maps.percentile(g, 0.99), false);
    }

    /**
     * A signed map [h,w] scaled by top (|v| = top is full intensity, larger values clipped). Colour: zero black,
     * positive orange, negative blue (the page's thumbnails use the same colours); grey: zero mid-grey, positive
     * lighter, negative darker.
     */
    static BufferedImage signed(float[] v, int h, int w, double top, boolean colour) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < h * w; i++) {
            double t = top > 0 ? Math.max(-1, Math.min(1, v[i] / top)) : 0;
            int rgb;
            if (colour) {
                rgb = t >= 0 ? pack(255 * t, 140 * t, 0) : pack(0, 120 * -t, 255 * -t);
            } else {
                int grey = (int) Math.round(127.5 + 127.5 * t);
                rgb = grey << 16 | grey << 8 | grey;
            }
            img.setRGB(i % w, i / w, rgb);
        }
        return img;
    }

    private static int pack(double r, double g, double b) {
        return (int) Math.round(r) << 16 | (int) Math.round(g) << 8 | (int) Math.round(b);
    }

    /** One channel's activation map: grey from 0 to its maximum when nothing is negative, else signed colours. */
    static BufferedImage activation(float[] map, int h, int w, boolean signed) {
        double top = 0;
        for (float f : map) top = Math.max(top, signed ? Math.abs(f) : f);
        if (signed) return signed(map, h, w, top, true);
        float[] unit = new float[map.length];
        for (int i = 0; i < map.length; i++) unit[i] = top > 0 ? (float) Math.max(0, map[i] / top) : 0;
        return Render.heatmap(unit, h, w, Colormap.GREY);
    }

    /** Enlarges a small picture by an integer factor (nearest neighbour) so that it is at least about minSide pixels. */
    static BufferedImage atLeast(BufferedImage img, int minSide) {
        int side = Math.max(img.getWidth(), img.getHeight());
        return Render.enlarge(img, Math.max(1, minSide / side));
    }
}
