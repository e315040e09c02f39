package io.pixelgrad.explorer;

import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.vis.render.Render;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The pictures the page shows, drawn on the server with vis's renderers so that they are the very pixels the command
 * line writes; plus the drawing vis has no renderer for yet (signed maps).
 */
final class Pictures {

    private Pictures() {
    }

    /** A PNG as a data: URL, ready for an img element. */
    static String dataUrl(BufferedImage image) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(image));
    }

    /**
     * The picture as an 8-bit RGB PNG, written for speed rather than size (the bytes only cross the loopback): no row
     * filter and the fastest deflate level. javax.imageio's writer tries five filters on every row and compresses
     * harder, which took most of a saliency answer's rendering time. Same pixels, PNG is lossless.
     */
    static byte[] png(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        byte[] raw = new byte[h * (1 + 3 * w)];
        int[] row = new int[w];
        for (int y = 0, o = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            raw[o++] = 0;   // filter type None
            for (int x = 0; x < w; x++) {
                raw[o++] = (byte) (row[x] >> 16);
                raw[o++] = (byte) (row[x] >> 8);
                raw[o++] = (byte) row[x];
            }
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream(raw.length / 2 + 64);
        byte[] buf = new byte[1 << 16];
        while (!deflater.finished()) z.write(buf, 0, deflater.deflate(buf));
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream(z.size() + 64);
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put(new byte[]{8, 2, 0, 0, 0});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * heatmap, overlay and (gradient methods) the gradient picture of an attribution as data: URLs, exactly as
     * {@link Attribution#heatmap}, {@link Attribution#overlay} and {@link Attribution#gradientImage} draw them; the
     * display map is computed once for both, and the gradient picture and the heatmap are drawn on other threads
     * meanwhile.
     */
    static Map<String, String> attribution(Attribution a, BufferedImage picture, Colormap colormap) {
        CompletableFuture<String> gradient = a.kind() == Attribution.Kind.INPUT_GRADIENT
                ? CompletableFuture.supplyAsync(() -> dataUrl(gradient(a))) : CompletableFuture.completedFuture(null);
        float[] map = a.displayMap();
        // the pictures are independent: drawn side by side, the answer waits for the slowest, not for their sum
        CompletableFuture<String> heatmap = CompletableFuture.supplyAsync(
                () -> dataUrl(Render.heatmap(map, a.imageHeight(), a.imageWidth(), colormap)));
        Map<String, String> images = new LinkedHashMap<>();
        // Attribution.overlay's blend: heat at half strength
        String overlay = dataUrl(Render.overlay(picture, map, a.imageHeight(), a.imageWidth(), colormap, 0.5));
        images.put("heatmap", heatmap.join());
        images.put("overlay", overlay);
        String g = gradient.join();
        if (g != null) images.put("gradient", g);
        return images;
    }

    /**
     * The picture of an input gradient, as the command line draws it ({@link Attribution#gradientImage()}): colour
     * for three channels, grey for a one-channel network (mid-grey at zero, white/black at +-the 99th percentile of |g|).
     */
    static BufferedImage gradient(Attribution a) {
        if (a.kind() != Attribution.Kind.INPUT_GRADIENT) return null;
        return a.gradientImage();
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
