package io.pixelgrad.vis.render;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Turns float maps and arrays into images: heatmaps, overlays, colour gradients, tiles, grids and PNG bytes. */
public final class Render {

    private Render() {
    }

    /** A heatmap of a map [h,w] whose values are already in [0,1]. */
    public static BufferedImage heatmap(float[] map01, int h, int w, Colormap colormap) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = pixels(img);
        for (int i = 0; i < h * w; i++) px[i] = colormap.rgb(map01[i]) & 0xFFFFFF;
        return img;
    }

    /**
     * The heatmap blended over an image of the same size; the heat's weight grows with its value (alpha at the top),
     * so cold regions leave the picture visible.
     */
    public static BufferedImage overlay(BufferedImage image, float[] map01, int h, int w, Colormap colormap, double alpha) {
        if (image.getWidth() != w || image.getHeight() != h)
            throw new IllegalArgumentException("overlay: image is " + image.getWidth() + "x" + image.getHeight() + ", map " + w + "x" + h);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] base = image.getRGB(0, 0, w, h, null, 0, w), px = pixels(out);
        for (int i = 0; i < h * w; i++) {
            double a = alpha * (0.3 + 0.7 * map01[i]);
            int p = base[i], q = colormap.rgb(map01[i]);
            int r = mix(p >> 16 & 255, q >> 16 & 255, a), g = mix(p >> 8 & 255, q >> 8 & 255, a), b = mix(p & 255, q & 255, a);
            px[i] = r << 16 | g << 8 | b;
        }
        return out;
    }

    /**
     * The pixels of a new TYPE_INT_RGB image, row-major, 0xRRGGBB: what setRGB would store, written without its
     * per-pixel colour-model call (which took most of the time of drawing a 224x224 map).
     */
    private static int[] pixels(BufferedImage rgb) {
        return ((java.awt.image.DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
    }

    private static int mix(int base, int top, double a) {
        return (int) Math.round((1 - a) * base + a * top);
    }

    /**
     * A [3,H,W] gradient as a colour image (the "colour gradient" picture): zero is mid-grey and +-the 99th
     * percentile of |g| over all channels is full intensity, so the sign and the colour of every pixel's gradient
     * show, and a few extreme values do not wash out the rest.
     */
    public static BufferedImage gradientImage(float[] g, int h, int w) {
        float top = io.pixelgrad.vis.Maps.percentile(g, 0.99);
        if (!(top > 0)) return rgbScaled(g, h, w, true);
        int plane = h * w, channels = g.length / plane;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = pixels(out);
        for (int i = 0; i < plane; i++) {
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                // a grey network's single channel is shown in all three: dark where the gradient is negative
                double v = 0.5 + 0.5 * Math.max(-1, Math.min(1, g[(channels == 1 ? 0 : c) * plane + i] / top));
                rgb = rgb << 8 | (int) Math.round(v * 255);
            }
            px[i] = rgb & 0xFFFFFF;
        }
        return out;
    }

    /** A [3,h,w] array as an RGB image, min-max scaled over all three channels together (filters keep their colours). */
    public static BufferedImage rgbScaled(float[] v, int h, int w) {
        return rgbScaled(v, h, w, false);
    }

    private static BufferedImage rgbScaled(float[] v, int h, int w, boolean perChannel) {
        int plane = h * w;
        if (v.length == plane) v = concat3(v);
        double[] lo = new double[3], hi = new double[3];
        for (int c = 0; c < 3; c++) {
            lo[c] = Double.POSITIVE_INFINITY;
            hi[c] = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < plane; i++) {
                lo[c] = Math.min(lo[c], v[c * plane + i]);
                hi[c] = Math.max(hi[c], v[c * plane + i]);
            }
        }
        if (!perChannel) {
            double l = Math.min(lo[0], Math.min(lo[1], lo[2])), u = Math.max(hi[0], Math.max(hi[1], hi[2]));
            java.util.Arrays.fill(lo, l);
            java.util.Arrays.fill(hi, u);
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < plane; i++) {
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                double t = hi[c] > lo[c] ? (v[c * plane + i] - lo[c]) / (hi[c] - lo[c]) : 0.5;
                rgb = rgb << 8 | (int) Math.round(255 * t);
            }
            img.setRGB(i % w, i / w, rgb);
        }
        return img;
    }

    private static float[] concat3(float[] v) {
        float[] out = new float[3 * v.length];
        for (int c = 0; c < 3; c++) System.arraycopy(v, 0, out, c * v.length, v.length);
        return out;
    }

    /** A map [h,w] in [0,1] as grey. */
    public static BufferedImage grey(float[] map01, int h, int w) {
        return heatmap(map01, h, w, Colormap.GREY);
    }

    /** A normalized input [3,H,W] (or grey [1,H,W]) made viewable by min-max scaling (when the original picture is not at hand). */
    public static BufferedImage input(float[] x, int h, int w) {
        return rgbScaled(x, h, w);
    }

    /** A picture [C,H,W] with values in [0,1] (clamped), C = 3 (RGB) or 1 (grey), row-major from offset. */
    public static BufferedImage picture(double[] v, int offset, int channels, int h, int w) {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("pictures have 1 or 3 channels, not " + channels);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = offset + y * w + x;
                int r = level(v[i]), g = channels == 3 ? level(v[i + plane]) : r, b = channels == 3 ? level(v[i + 2 * plane]) : r;
                out.setRGB(x, y, r << 16 | g << 8 | b);
            }
        return out;
    }

    /** The 8-bit level of a value in [0,1] (clamped, rounded; NaN is black). */
    private static int level(double v) {
        if (!(v > 0)) return 0;
        return (int) Math.round(Math.min(1, v) * 255);
    }

    /** Images in a row, each with a caption under it (a filmstrip: how a picture forms over steps or octaves). */
    public static BufferedImage filmstrip(List<BufferedImage> frames, List<String> captions) {
        if (frames.isEmpty()) throw new IllegalArgumentException("no frames to draw");
        int pad = 4, text = 14;
        int fw = 0, fh = 0;
        for (BufferedImage f : frames) {
            fw = Math.max(fw, f.getWidth());
            fh = Math.max(fh, f.getHeight());
        }
        BufferedImage out = new BufferedImage(frames.size() * (fw + pad) + pad, fh + text + 2 * pad, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
        for (int i = 0; i < frames.size(); i++) {
            int x = pad + i * (fw + pad);
            g.drawImage(frames.get(i), x, pad, null);
            if (i < captions.size()) g.drawString(captions.get(i), x, pad + fh + text - 2);
        }
        g.dispose();
        return out;
    }

    /** Images in a row, each with several lines of caption under it (a panel: pictures with their top classes). */
    public static BufferedImage captioned(List<BufferedImage> frames, List<List<String>> captions) {
        if (frames.isEmpty()) throw new IllegalArgumentException("no frames to draw");
        int pad = 4, line = 13, lines = 0, fw = 0, fh = 0;
        for (List<String> c : captions) lines = Math.max(lines, c.size());
        for (BufferedImage f : frames) {
            fw = Math.max(fw, f.getWidth());
            fh = Math.max(fh, f.getHeight());
        }
        java.awt.Font font = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = probe.createGraphics();
        java.awt.FontMetrics metrics = measure.getFontMetrics(font);
        for (List<String> c : captions) for (String t : c) fw = Math.max(fw, metrics.stringWidth(t));
        measure.dispose();
        BufferedImage out = new BufferedImage(frames.size() * (fw + 2 * pad) + pad, fh + lines * line + 3 * pad, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(font);
        for (int i = 0; i < frames.size(); i++) {
            int x = pad + i * (fw + 2 * pad);
            g.drawImage(frames.get(i), x, pad, null);
            List<String> c = i < captions.size() ? captions.get(i) : List.of();
            for (int k = 0; k < c.size(); k++) g.drawString(c.get(k), x, pad + fh + pad + (k + 1) * line - 2);
        }
        g.dispose();
        return out;
    }

    /** An 8-bit RGB image as a BufferedImage (for drawing inputs and samples). */
    public static BufferedImage picture(io.pixelgrad.zoo.images.RgbImage rgb) {
        BufferedImage pic = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgb.height(); y++)
            for (int x = 0; x < rgb.width(); x++)
                pic.setRGB(x, y, rgb.sample(x, y, 0) << 16 | rgb.sample(x, y, 1) << 8 | rgb.sample(x, y, 2));
        return pic;
    }

    /** An image enlarged by an integer factor with nearest-neighbour sampling (small tiles stay crisp). */
    public static BufferedImage enlarge(BufferedImage img, int factor) {
        if (factor <= 1) return img;
        BufferedImage out = new BufferedImage(img.getWidth() * factor, img.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++)
            for (int x = 0; x < out.getWidth(); x++) out.setRGB(x, y, img.getRGB(x / factor, y / factor));
        return out;
    }

    /** Tiles in a grid of the given number of columns, row by row, with pad pixels of white between them. */
    public static BufferedImage grid(List<BufferedImage> tiles, int columns, int pad) {
        if (tiles.isEmpty()) throw new IllegalArgumentException("no tiles to draw");
        columns = Math.max(1, Math.min(columns, tiles.size()));
        int rows = (tiles.size() + columns - 1) / columns;
        int tw = 0, th = 0;
        for (BufferedImage t : tiles) {
            tw = Math.max(tw, t.getWidth());
            th = Math.max(th, t.getHeight());
        }
        BufferedImage out = new BufferedImage(columns * tw + (columns + 1) * pad, rows * th + (rows + 1) * pad, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < tiles.size(); i++)
            g.drawImage(tiles.get(i), pad + (i % columns) * (tw + pad), pad + (i / columns) * (th + pad), null);
        g.dispose();
        return out;
    }

    /** Images side by side. */
    public static BufferedImage row(int pad, BufferedImage... images) {
        return grid(List.of(images), images.length, pad);
    }

    /** The image encoded as PNG. */
    public static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            if (!ImageIO.write(img, "png", bytes)) throw new IllegalStateException("no PNG writer available");
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
