package io.pixelgrad.vis.dataset;

import io.pixelgrad.vis.render.BitmapFont;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The picture of a neighbour search: the query on the left, then one row per measure (penultimate features by L2 and
 * by cosine, pixels by L2) with the k nearest images, each captioned with its class and distance. Reading down a
 * column shows where the network's notion of "similar" departs from the pixels'.
 */
public final class NeighborSheet {

    private static final int PAD = 4, LABEL = 18 * BitmapFont.WIDTH, CAPTION = 2 * BitmapFont.HEIGHT + 4;

    private NeighborSheet() {
    }

    /**
     * Draws the sheet: pictures(i) is image i of the set, classOf(i) its class name, tile the side of each picture.
     */
    public static BufferedImage draw(BufferedImage query, String queryCaption, Neighbors search, IntFunction<BufferedImage> pictures,
                                     IntFunction<String> classOf, int tile) {
        Neighbors.Measure[] measures = Neighbors.Measure.values();
        int k = 0;
        for (Neighbors.Measure m : measures) k = Math.max(k, search.nearest(m).size());
        int cell = Math.max(tile, 10 * BitmapFont.WIDTH) + PAD;
        int left = PAD + Math.max(tile, BitmapFont.width(queryCaption)) + 3 * PAD;
        int width = left + LABEL + k * cell + PAD;
        int rowHeight = tile + CAPTION + PAD;
        int height = Math.max(measures.length * rowHeight, tile + CAPTION) + 2 * PAD + BitmapFont.HEIGHT + 4;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int top = PAD + BitmapFont.HEIGHT + 4;
        BitmapFont.draw(out, "query", PAD, PAD, 0x202020);
        g.drawImage(Patches.fit(query, tile), PAD, top, null);
        BitmapFont.draw(out, queryCaption, PAD, top + tile + 2, 0x404040);
        BitmapFont.draw(out, "nearest, closest first", left + LABEL, PAD, 0x202020);
        for (int r = 0; r < measures.length; r++) {
            int y = top + r * rowHeight;
            BitmapFont.draw(out, measures[r].label(), left, y + tile / 2 - BitmapFont.HEIGHT / 2, 0x202020);
            List<Neighbors.Neighbor> near = search.nearest(measures[r]);
            for (int m = 0; m < near.size(); m++) {
                Neighbors.Neighbor nb = near.get(m);
                int x = left + LABEL + m * cell;
                g.drawImage(Patches.fit(pictures.apply(nb.image()), tile), x, y, null);
                BitmapFont.draw(out, clip(classOf.apply(nb.image()), cell / BitmapFont.WIDTH), x, y + tile + 2, 0x404040);
                BitmapFont.draw(out, String.format(Locale.ROOT, "%.3g", nb.distance()), x, y + tile + 2 + BitmapFont.HEIGHT, 0x808080);
            }
        }
        g.dispose();
        return out;
    }

    private static String clip(String s, int chars) {
        return s.length() <= chars ? s : s.substring(0, Math.max(1, chars - 1)) + "~";
    }
}
