package io.pixelgrad.vis.render;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A fixed 7x13 bitmap font for chart labels (printable ASCII; anything else draws as '?'). Charts drawn with it are
 * identical on every machine and need no system fonts. The glyphs come from font-7x13.txt, written by
 * vis/src/main/python/make_bitmap_font.py.
 */
public final class BitmapFont {

    /** Glyph cell width in pixels (the advance of every character). */
    public static final int WIDTH = 7;
    /** Glyph cell height in pixels. */
    public static final int HEIGHT = 13;
    private static final int[][] GLYPHS = load();

    private BitmapFont() {
    }

    private static int[][] load() {
        int[][] g = new int[128][];
        try (InputStream in = BitmapFont.class.getResourceAsStream("font-7x13.txt")) {
            if (in == null) throw new IllegalStateException("font-7x13.txt is missing from the vis jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] parts = line.trim().split(" ");
                int[] rows = new int[HEIGHT];
                for (int y = 0; y < HEIGHT; y++) rows[y] = Integer.parseInt(parts[y + 1], 16);
                g[Integer.parseInt(parts[0])] = rows;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return g;
    }

    /** Width in pixels of a text drawn on one line. */
    public static int width(String text) {
        return text.length() * WIDTH;
    }

    /** Draws text with its cell's top-left corner at (x, y) in the colour rgb; pixels outside the image are skipped. */
    public static void draw(BufferedImage img, String text, int x, int y, int rgb) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            int[] rows = ch < 128 && GLYPHS[ch] != null ? GLYPHS[ch] : GLYPHS['?'];
            int left = x + i * WIDTH;
            for (int r = 0; r < HEIGHT; r++)
                for (int c = 0; c < WIDTH; c++) {
                    if ((rows[r] >> (WIDTH - 1 - c) & 1) == 0) continue;
                    int px = left + c, py = y + r;
                    if (px >= 0 && py >= 0 && px < img.getWidth() && py < img.getHeight()) img.setRGB(px, py, rgb);
                }
        }
    }
}
