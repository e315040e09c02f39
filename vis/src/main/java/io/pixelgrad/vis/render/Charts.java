package io.pixelgrad.vis.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/** Simple charts drawn with Java2D and the bitmap font: line plots (training curves) and confusion matrices. */
public final class Charts {

    /** One line of a plot: a name for the legend, points, and a colour (0xRRGGBB). */
    public record Series(String name, double[] x, double[] y, int rgb, boolean dashed) {
    }

    private static final int WHITE = 0xffffff, BLACK = 0x000000, GRID = 0xe6e6e6, AXIS = 0x555555;

    private Charts() {
    }

    /**
     * A line plot of width x height pixels with a title, axis labels, tick values and a legend. The y range is the
     * data's (padded by 5%) unless yMin &lt; yMax is given.
     */
    public static BufferedImage lines(String title, String xLabel, List<Series> series, int width, int height,
                                      double yMin, double yMax) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series)
            for (int i = 0; i < s.x().length; i++) {
                x0 = Math.min(x0, s.x()[i]);
                x1 = Math.max(x1, s.x()[i]);
                if (Double.isFinite(s.y()[i])) {
                    y0 = Math.min(y0, s.y()[i]);
                    y1 = Math.max(y1, s.y()[i]);
                }
            }
        if (yMin < yMax) {
            y0 = yMin;
            y1 = yMax;
        } else if (y0 <= y1) {
            double pad = Math.max(1e-9, (y1 - y0) * 0.05);
            y0 -= pad;
            y1 += pad;
        } else {
            y0 = 0;
            y1 = 1;
        }
        if (!(x0 < x1)) {
            x0 = Double.isFinite(x0) ? x0 - 1 : 0;
            x1 = x0 + 2;
        }
        int left = 62, right = width - 12, top = 26, bottom = height - 34;
        BitmapFont.draw(img, title, (width - BitmapFont.width(title)) / 2, 6, BLACK);
        // grid and tick labels
        for (int k = 0; k <= 4; k++) {
            double v = y0 + (y1 - y0) * k / 4;
            int py = bottom - (int) Math.round((bottom - top) * k / 4.0);
            line(g, left, py, right, py, GRID, false);
            String t = format(v, y1 - y0);
            BitmapFont.draw(img, t, left - 6 - BitmapFont.width(t), py - 7, AXIS);
        }
        boolean integral = true;
        for (Series sr : series) for (double v : sr.x()) integral &= v == Math.rint(v);
        List<Double> xticks = ticks(x0, x1, integral);
        for (double v : xticks) {
            int px = left + (int) Math.round((right - left) * (v - x0) / (x1 - x0));
            line(g, px, top, px, bottom, GRID, false);
            String t = format(v, x1 - x0);
            BitmapFont.draw(img, t, px - BitmapFont.width(t) / 2, bottom + 3, AXIS);
        }
        BitmapFont.draw(img, xLabel, (left + right - BitmapFont.width(xLabel)) / 2, height - 15, AXIS);
        line(g, left, top, left, bottom, AXIS, false);
        line(g, left, bottom, right, bottom, AXIS, false);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        for (Series s : series) {
            g.setColor(new Color(s.rgb()));
            g.setStroke(s.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[]{6f, 4f}, 0f)
                    : new BasicStroke(2f));
            int prevX = 0, prevY = 0;
            for (int i = 0; i < s.x().length; i++) {
                int px = left + (int) Math.round((right - left) * (s.x()[i] - x0) / (x1 - x0));
                int py = bottom - (int) Math.round((bottom - top) * (s.y()[i] - y0) / (y1 - y0));
                if (i > 0) g.drawLine(prevX, prevY, px, py);
                g.fillOval(px - 3, py - 3, 6, 6);
                prevX = px;
                prevY = py;
            }
        }
        g.dispose();
        // legend, top right inside the plot
        int ly = top + 4;
        for (Series s : series) {
            int lx = right - 10 - BitmapFont.width(s.name()) - 24;
            for (int d = 0; d < 18; d++)
                if (!s.dashed() || d % 10 < 6) for (int t = -1; t <= 0; t++) img.setRGB(lx + d, ly + 6 + t, s.rgb());
            BitmapFont.draw(img, s.name(), lx + 24, ly, BLACK);
            ly += BitmapFont.HEIGHT + 2;
        }
        return img;
    }

    private static void line(Graphics2D g, int xa, int ya, int xb, int yb, int rgb, boolean thick) {
        g.setColor(new Color(rgb));
        g.setStroke(new BasicStroke(thick ? 2f : 1f));
        g.drawLine(xa, ya, xb, yb);
    }

    /** About five round tick values between lo and hi (whole numbers only when the data's x are whole: epochs). */
    private static List<Double> ticks(double lo, double hi, boolean integral) {
        double raw = (hi - lo) / 5, step = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[]{1, 2, 5, 10}) {
            if (raw <= m * step) {
                step *= m;
                break;
            }
        }
        if (integral) step = Math.max(1, Math.rint(step));
        List<Double> t = new java.util.ArrayList<>();
        for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.add(v);
        return t;
    }

    private static String format(double v, double range) {
        if (range >= 20) return String.format(Locale.ROOT, "%.0f", v);
        if (range >= 2) return String.format(Locale.ROOT, "%.1f", v);
        if (range >= 0.2) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /**
     * A confusion matrix: rows are true classes, columns predicted ones, each cell coloured by its share of the row
     * and labelled with its count; class names on the left, indices on top, per-class accuracy on the right.
     */
    public static BufferedImage confusion(int[][] m, List<String> classes, String title) {
        int k = m.length;
        int nameWidth = 0;
        for (int i = 0; i < k; i++) nameWidth = Math.max(nameWidth, BitmapFont.width(label(i, classes)));
        int maxCount = 1;
        for (int[] row : m) for (int v : row) maxCount = Math.max(maxCount, v);
        int cell = Math.max(28, BitmapFont.width(Integer.toString(maxCount)) + 6);
        int left = nameWidth + 12, top = 56, accWidth = BitmapFont.width("100.0%") + 16;
        String note = "rows: true class; colour: share of the row (green: right, red: confused)";
        int width = left + k * cell + accWidth, height = top + k * cell + 28;
        width = Math.max(width, Math.max(BitmapFont.width(title), BitmapFont.width(note)) + 16);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        BitmapFont.draw(img, title, 8, 6, BLACK);
        BitmapFont.draw(img, "predicted class", left, 22, AXIS);
        for (int j = 0; j < k; j++) {
            String t = Integer.toString(j);
            BitmapFont.draw(img, t, left + j * cell + (cell - BitmapFont.width(t)) / 2, top - 15, AXIS);
        }
        for (int i = 0; i < k; i++) {
            int total = 0;
            for (int v : m[i]) total += v;
            int y = top + i * cell;
            BitmapFont.draw(img, label(i, classes), 6, y + (cell - BitmapFont.HEIGHT) / 2, BLACK);
            for (int j = 0; j < k; j++) {
                double share = total == 0 ? 0 : (double) m[i][j] / total;
                int rgb = i == j ? mix(0xffffff, 0x1a7f37, share) : mix(0xffffff, 0xc62828, Math.min(1, share * 4));
                int x = left + j * cell;
                for (int yy = 1; yy < cell; yy++) for (int xx = 1; xx < cell; xx++) img.setRGB(x + xx, y + yy, rgb);
                String t = Integer.toString(m[i][j]);
                int textColour = (i == j ? share : share * 4) > 0.55 ? WHITE : BLACK;
                BitmapFont.draw(img, t, x + (cell - BitmapFont.width(t)) / 2 + 1, y + (cell - BitmapFont.HEIGHT) / 2 + 1, textColour);
            }
            String acc = String.format(Locale.ROOT, "%.1f%%", total == 0 ? 0 : 100.0 * m[i][i] / total);
            BitmapFont.draw(img, acc, left + k * cell + 8, y + (cell - BitmapFont.HEIGHT) / 2, AXIS);
        }
        BitmapFont.draw(img, note, 6, top + k * cell + 8, AXIS);
        return img;
    }

    private static String label(int i, List<String> classes) {
        return i + " " + (i < classes.size() ? classes.get(i) : "");
    }

    private static int mix(int a, int b, double t) {
        int r = (int) Math.round((a >> 16 & 255) * (1 - t) + (b >> 16 & 255) * t);
        int gg = (int) Math.round((a >> 8 & 255) * (1 - t) + (b >> 8 & 255) * t);
        int bb = (int) Math.round((a & 255) * (1 - t) + (b & 255) * t);
        return r << 16 | gg << 8 | bb;
    }
}
