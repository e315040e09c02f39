package io.pixelgrad.vis.dataset;

import io.pixelgrad.vis.render.BitmapFont;
import io.pixelgrad.zoo.models.LayerGeometry.Box;
import io.pixelgrad.zoo.models.LayerGeometry.ReceptiveField;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The picture of a layer's top-k: one row per channel with its k top images (the receptive field at the strongest
 * position outlined in red), the k patches cut to that field, and optionally each patch's deconvnet projection.
 */
public final class TopSheet {

    /** Draws the deconvnet projection of a channel's hit (or null for none). */
    @FunctionalInterface
    public interface Projection {
        /** The projection of channel c's hit, on the patch's canvas. */
        BufferedImage of(int channel, Hit hit);
    }

    private static final int PAD = 3, GAP = 10, LABEL = 2 + 9 * BitmapFont.WIDTH, HEAD = BitmapFont.HEIGHT + 6;
    private static final int OUTLINE = 0xE02020;

    private TopSheet() {
    }

    /**
     * The sheet for the channels given: pictures(i) is image i as it went into the network (its full size), tile the
     * side of each small picture in pixels, deconv null or the projections.
     */
    public static BufferedImage draw(TopUnits top, List<Integer> channels, IntFunction<BufferedImage> pictures, ReceptiveField rf,
                                     int tile, Projection deconv) {
        int k = top.k();
        int groups = deconv == null ? 2 : 3;
        int groupWidth = k * (tile + PAD);
        int width = LABEL + groups * groupWidth + (groups - 1) * GAP + PAD;
        int rowHeight = tile + PAD;
        BufferedImage out = new BufferedImage(width, HEAD + channels.size() * rowHeight + PAD, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        String[] heads = {"top images", "patches (receptive field)", "deconvnet projections"};
        for (int group = 0; group < groups; group++)
            BitmapFont.draw(out, heads[group], LABEL + group * (groupWidth + GAP), 3, 0x202020);
        for (int r = 0; r < channels.size(); r++) {
            int c = channels.get(r);
            int y = HEAD + r * rowHeight;
            List<Hit> hits = top.top(c);
            BitmapFont.draw(out, "ch " + c, 2, y + 2, 0x202020);
            if (!hits.isEmpty())
                BitmapFont.draw(out, String.format(Locale.ROOT, "%.3g", hits.get(0).value()), 2, y + 4 + BitmapFont.HEIGHT, 0x606060);
            for (int m = 0; m < hits.size(); m++) {
                Hit hit = hits.get(m);
                BufferedImage picture = pictures.apply(hit.image());
                int x = LABEL + m * (tile + PAD);
                g.drawImage(outlined(picture, rf, hit, tile), x, y, null);
                g.drawImage(Patches.fit(Patches.crop(picture, rf, hit), tile), LABEL + groupWidth + GAP + m * (tile + PAD), y, null);
                if (deconv != null) {
                    BufferedImage d = deconv.of(c, hit);
                    g.drawImage(Patches.fit(d, tile), LABEL + 2 * (groupWidth + GAP) + m * (tile + PAD), y, null);
                }
            }
        }
        g.dispose();
        return out;
    }

    /** The picture fitted to the tile with the hit's receptive field outlined. */
    private static BufferedImage outlined(BufferedImage picture, ReceptiveField rf, Hit hit, int tile) {
        BufferedImage t = Patches.fit(picture, tile);
        Box b = Patches.box(rf, hit, picture.getHeight(), picture.getWidth());
        double sy = (double) t.getHeight() / picture.getHeight(), sx = (double) t.getWidth() / picture.getWidth();
        int top = (int) Math.floor(b.top() * sy), left = (int) Math.floor(b.left() * sx);
        int bottom = Math.max(top + 1, (int) Math.ceil(b.bottom() * sy)) - 1, right = Math.max(left + 1, (int) Math.ceil(b.right() * sx)) - 1;
        BufferedImage copy = new BufferedImage(t.getWidth(), t.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        g.drawImage(t, 0, 0, null);
        g.dispose();
        for (int x = left; x <= right; x++) {
            copy.setRGB(x, top, OUTLINE);
            copy.setRGB(x, bottom, OUTLINE);
        }
        for (int y = top; y <= bottom; y++) {
            copy.setRGB(left, y, OUTLINE);
            copy.setRGB(right, y, OUTLINE);
        }
        return copy;
    }
}
