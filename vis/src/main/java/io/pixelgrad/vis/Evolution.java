package io.pixelgrad.vis;

import io.pixelgrad.vis.render.BitmapFont;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.train.Snapshot;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The "evolution of features during training" filmstrip: one row per snapshot (before training, then after each
 * epoch) showing the first layer's filters and the activation maps one fixed test image gives after that layer's ReLU,
 * in the same channel order, so each filter can be followed from noise to a detector together with what it responds to.
 */
public final class Evolution {

    private Evolution() {
    }

    /**
     * Draws the snapshots (labels[i] names row i, e.g. "start", "epoch 1") under a header with the fixed image
     * (already viewable, any size). Filters are min-max scaled one by one; each row's maps share one scale, its largest
     * activation, so a silent channel stays black.
     */
    public static BufferedImage filmstrip(List<Snapshot> snapshots, List<String> labels, BufferedImage image) {
        if (snapshots.isEmpty()) throw new IllegalArgumentException("no snapshots to draw");
        List<BufferedImage> rows = new ArrayList<>();
        int labelWidth = 0;
        for (String l : labels) labelWidth = Math.max(labelWidth, BitmapFont.width(l));
        for (int i = 0; i < snapshots.size(); i++) rows.add(row(snapshots.get(i), labels.get(i), labelWidth));
        int width = 0, height = 0;
        for (BufferedImage r : rows) {
            width = Math.max(width, r.getWidth());
            height += r.getHeight();
        }
        BufferedImage picture = Render.enlarge(image, Math.max(1, 56 / Math.max(1, image.getHeight())));
        int headerHeight = Math.max(picture.getHeight(), 2 * BitmapFont.HEIGHT) + 12;
        BufferedImage out = new BufferedImage(Math.max(width, 420), headerHeight + height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(picture, 6, 6, null);
        int y = headerHeight;
        for (BufferedImage r : rows) {
            g.drawImage(r, 0, y, null);
            y += r.getHeight();
        }
        g.dispose();
        int tx = picture.getWidth() + 16;
        BitmapFont.draw(out, "first-layer filters (left) and this image's", tx, 10, 0x000000);
        BitmapFont.draw(out, "maps after their ReLU (right), per epoch", tx, 10 + BitmapFont.HEIGHT + 2, 0x000000);
        return out;
    }

    private static BufferedImage row(Snapshot s, String label, int labelWidth) {
        long[] fs = s.filters().shape(), as = s.activations().shape();
        int o = (int) fs[0], c = (int) fs[1], kh = (int) fs[2], kw = (int) fs[3];
        int ah = (int) as[1], aw = (int) as[2];
        float[] w = Passes.floats(s.filters()), a = Passes.floats(s.activations());
        int columns = o > 16 ? (o + 1) / 2 : o;
        int scale = Math.max(1, 16 / Math.max(kh, kw));
        List<BufferedImage> filters = new ArrayList<>();
        int size = c * kh * kw;
        for (int f = 0; f < o; f++) {
            float[] one = java.util.Arrays.copyOfRange(w, f * size, (f + 1) * size);
            BufferedImage tile = c == 3 ? Render.rgbScaled(one, kh, kw)
                    : Render.grey(Maps.minMax(java.util.Arrays.copyOf(one, kh * kw)), kh, kw);
            filters.add(Render.enlarge(tile, scale));
        }
        float max = 0;
        for (float v : a) max = Math.max(max, v);
        List<BufferedImage> maps = new ArrayList<>();
        int plane = ah * aw;
        for (int f = 0; f < o; f++) {
            float[] m = new float[plane];
            for (int p = 0; p < plane; p++) m[p] = max > 0 ? Math.max(0, a[f * plane + p]) / max : 0;
            maps.add(Render.grey(m, ah, aw));
        }
        BufferedImage left = Render.grid(filters, columns, 2), right = Render.grid(maps, columns, 1);
        int h = Math.max(left.getHeight(), right.getHeight()) + 6;
        BufferedImage out = new BufferedImage(labelWidth + 16 + left.getWidth() + 12 + right.getWidth(), h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(left, labelWidth + 16, 3, null);
        g.drawImage(right, labelWidth + 16 + left.getWidth() + 12, 3, null);
        g.dispose();
        BitmapFont.draw(out, label, 6, (h - BitmapFont.HEIGHT) / 2, 0x000000);
        return out;
    }
}
