package io.pixelgrad.explorer;

import io.pixelgrad.zoo.images.Images;
import io.pixelgrad.zoo.images.RgbImage;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;

/**
 * Turns uploaded bytes into a picture, refusing anything else early: the body is read only up to a byte limit, the
 * format is recognized from its first bytes (PNG, JPEG, BMP, GIF; never from a name or a Content-Type), and the pixel
 * count is read from the image header and checked before a single pixel is decoded.
 */
final class Uploads {

    private Uploads() {
    }

    /**
     * The whole body, or a 413 as soon as it grows past maxBytes (a declared Content-Length above the limit is refused
     * before reading anything; a chunked body is counted as it arrives).
     *
     * @throws IOException if reading the body fails
     */
    public static byte[] readBody(InputStream body, long declaredLength, long maxBytes) throws IOException {
        if (declaredLength > maxBytes) throw tooLarge(declaredLength, maxBytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream(declaredLength > 0 ? (int) declaredLength : 1 << 16);
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = body.read(buf)) > 0; ) {
            total += n;
            if (total > maxBytes) throw tooLarge(total, maxBytes);
            out.write(buf, 0, n);
        }
        if (total == 0) throw new ApiException(400, "empty upload: send the image file's bytes as the request body");
        return out.toByteArray();
    }

    private static ApiException tooLarge(long bytes, long maxBytes) {
        return new ApiException(413, "upload too large (" + (bytes > maxBytes + 1 ? bytes + " bytes" : "more than " + maxBytes + " bytes")
                + "); the explorer takes images up to " + maxBytes / (1 << 20) + " MB");
    }

    /** The format named by the file's magic bytes: "png", "jpeg", "bmp" or "gif"; null for anything else. */
    public static String sniff(byte[] b) {
        if (starts(b, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
        if (starts(b, 0xff, 0xd8, 0xff)) return "jpeg";
        if (starts(b, 'B', 'M') && b.length > 26) return "bmp";
        if (starts(b, 'G', 'I', 'F', '8')) return "gif";
        return null;
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((b[i] & 0xff) != magic[i]) return false;
        return true;
    }

    /**
     * Decodes an image of at most maxPixels pixels (and at most maxSide on either side) to 8-bit RGB the way the
     * command line does ({@link Images#toRgb}); 415 for anything that is not a readable image, 413 for too many pixels.
     */
    public static RgbImage decode(byte[] bytes, long maxPixels, int maxSide) {
        String format = sniff(bytes);
        if (format == null)
            throw new ApiException(415, "not an image (" + describe(bytes) + "): PNG, JPEG, BMP or GIF expected");
        String name = format.toUpperCase(Locale.ROOT);
        BufferedImage img;
        // in memory: ImageIO's default would spill the stream to a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) throw new ApiException(415, "no " + name + " decoder in this Java runtime");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0), h = reader.getHeight(0);   // the header only
                if (w <= 0 || h <= 0) throw new ApiException(415, "corrupt " + name + " image: its header says " + w + "x" + h);
                if (w * h > maxPixels || w > maxSide || h > maxSide)
                    throw new ApiException(413, name + " image of " + w + "x" + h + " pixels refused: the explorer takes at most "
                            + maxPixels / 1_000_000 + " megapixels and " + maxSide + " pixels a side");
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage().strip();
            throw new ApiException(415, "corrupt or unsupported " + name + " image (" + why.replace('\n', ' ') + ")");
        }
        return Images.toRgb(img);
    }

    // A hint at what was sent instead, so the refusal is actionable.
    private static String describe(byte[] head) {
        if (head.length == 0) return "empty";
        if (head.length >= 2 && head[0] == 'P' && head[1] == 'K') return "a zip archive";
        if (head.length >= 2 && head[0] == '%' && head[1] == 'P') return "a PDF";
        boolean text = true;
        for (int i = 0; i < Math.min(16, head.length); i++) {
            byte c = head[i];
            text &= c == '\n' || c == '\r' || c == '\t' || (c >= 32 && c < 127);
        }
        return text ? "looks like text" : "unknown binary format";
    }
}
