package io.pixelgrad.vis.dataset;

import io.pixelgrad.vis.render.BitmapFont;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A 2-D map of a data set as a picture (TensorBoard projector's sprite view, drawn once): every point as a dot in its
 * class colour, and over them a thumbnail of one image per cell of a grid one and a half thumbnails wide (the image
 * nearest the cell's centre, drawn at its own place and framed in its class colour), so the picture shows what lies
 * where without thousands of overlapping thumbnails. A legend names the colours.
 */
public final class MapPlot {

    private static final int[] TAB10 = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f,
        0xbcbd22, 0x17becf};
    private static final int MARGIN = 24, LEGEND = 190;

    private MapPlot() {
    }

    /** The colour of class c: matplotlib's tab10 for the first ten, then hues a golden angle apart. */
    public static int colour(int c) {
        if (c < TAB10.length) return TAB10[c];
        return Color.HSBtoRGB((float) ((c * 0.618033988749895) % 1.0), 0.75f, 0.85f) & 0xffffff;
    }

    /**
     * Draws the map: xy[i] is point i's position, labels[i] its class (an index of classes), thumbnails(i) its
     * picture (or null for dots only), side the plot's side in pixels, tile the thumbnails' side.
     */
    public static BufferedImage draw(double[][] xy, int[] labels, List<String> classes, IntFunction<BufferedImage> thumbnails,
                                     int side, int tile, String title) {
        int n = xy.length;
        BufferedImage out = new BufferedImage(side + LEGEND, side + BitmapFont.HEIGHT + 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.dispose();
        int top = BitmapFont.HEIGHT + 8;
        BitmapFont.draw(out, title, MARGIN, 4, 0x202020);
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY, minY = minX, maxY = maxX;
        for (double[] p : xy) {
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        double span = Math.max(maxX - minX, maxY - minY);
        double scale = span > 0 ? (side - 2.0 * MARGIN - tile) / span : 0;
        double offX = MARGIN + tile / 2.0 + ((side - 2.0 * MARGIN - tile) - (maxX - minX) * scale) / 2;
        double offY = top + MARGIN + tile / 2.0 + ((side - 2.0 * MARGIN - tile) - (maxY - minY) * scale) / 2 - MARGIN;
        int[] px = new int[n], py = new int[n];
        for (int i = 0; i < n; i++) {
            px[i] = (int) Math.round(offX + (xy[i][0] - minX) * scale);
            // the map's y grows upwards, the picture's downwards
            py[i] = (int) Math.round(offY + (maxY - xy[i][1]) * scale);
            dot(out, px[i], py[i], colour(labels[i]));
        }
        if (thumbnails != null && n > 0) {
            // cells one and a half thumbnails wide: the dots stay visible between the thumbnails
            int pitch = tile + tile / 2;
            int cells = Math.max(1, (side - 2 * MARGIN + pitch - 1) / pitch);
            int[] best = new int[cells * cells];
            double[] bestDist = new double[cells * cells];
            java.util.Arrays.fill(best, -1);
            int x0 = MARGIN, y0 = top;
            for (int i = 0; i < n; i++) {
                int cx = Math.floorDiv(px[i] - x0, pitch), cy = Math.floorDiv(py[i] - y0, pitch);
                if (cx < 0 || cy < 0 || cx >= cells || cy >= cells) continue;
                double dx = px[i] - (x0 + (cx + 0.5) * pitch), dy = py[i] - (y0 + (cy + 0.5) * pitch);
                double d = dx * dx + dy * dy;
                int cell = cy * cells + cx;
                if (best[cell] < 0 || d < bestDist[cell]) {
                    best[cell] = i;
                    bestDist[cell] = d;
                }
            }
            Graphics2D tg = out.createGraphics();
            for (int cell = 0; cell < best.length; cell++) {
                int i = best[cell];
                if (i < 0) continue;
                BufferedImage t = thumbnails.apply(i);
                if (t == null) continue;
                BufferedImage fitted = Patches.fit(t, tile - 2);
                // centred on the point it shows
                int x = px[i] - fitted.getWidth() / 2 - 1, y = py[i] - fitted.getHeight() / 2 - 1;
                tg.setColor(new Color(colour(labels[i])));
                tg.fillRect(x, y, fitted.getWidth() + 2, fitted.getHeight() + 2);
                tg.drawImage(fitted, x + 1, y + 1, null);
            }
            tg.dispose();
        }
        int lx = side + 8, ly = top + 4;
        for (int c = 0; c < classes.size(); c++) {
            int y = ly + c * (BitmapFont.HEIGHT + 4);
            for (int a = 0; a < 10; a++) for (int b = 0; b < 10; b++) out.setRGB(lx + a, y + 2 + b, colour(c));
            String name = classes.get(c);
            if (name.length() > 22) name = name.substring(0, 21) + "~";
            BitmapFont.draw(out, name, lx + 14, y, 0x202020);
        }
        return out;
    }

    private static void dot(BufferedImage img, int x, int y, int rgb) {
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int a = x + dx, b = y + dy;
                if (a >= 0 && b >= 0 && a < img.getWidth() && b < img.getHeight()) img.setRGB(a, b, rgb);
            }
    }
}
