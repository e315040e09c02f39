package io.pixelgrad.zoo.images;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/**
 * Decodes PNG, JPEG and BMP files (through javax.imageio) into 8-bit RGB, the way PIL's {@code convert("RGB")} does:
 * grey is copied to all three channels, an alpha channel is dropped (not composited: torchvision pipelines drop it
 * too, so numbers stay comparable), palettes are looked up, and embedded colour profiles are ignored (the samples are
 * taken as stored, as PIL does). One deliberate difference: 16-bit samples keep their high byte, where PIL's
 * conversion of 16-bit grey clips everything above 255 to white.
 */
public final class Images {

    /** The most pixels an image may have: where PIL refuses an image as a decompression bomb (2 x MAX_IMAGE_PIXELS). */
    public static final long MAX_PIXELS = 178_956_970L;
    /** Images up to this many pixels (4096 x 4096) are decoded whatever their file size. */
    private static final long SMALL_PIXELS = 1L << 24;
    /**
     * The most pixels a PNG, JPEG or BMP can pack per byte of file: deflate expands at most 1032-fold and a 1-bit PNG
     * holds 8 pixels a byte; a JPEG needs at least one bit per 8x8 block and component, BMP's RLE one byte per 255.
     */
    private static final long PIXELS_PER_BYTE = 8 * 1032;
    /**
     * The most scans a JPEG may have. Encoders write 1 (baseline) to about 20 (progressive); the decoder walks every
     * block once per scan, so repeating a 31-byte scan 20000 times kept ImageIO on a 4000x4000 JPEG for 240 s.
     */
    private static final int MAX_JPEG_SCANS = 100;

    private Images() {
    }

    /**
     * Reads an image file; any problem (missing, not an image, corrupt, unsupported layout) is a one-line error.
     *
     * @throws ImageInputException if the file is missing, not an image, corrupt or of an unsupported layout
     */
    public static RgbImage read(Path file) throws ImageInputException {
        String where = "image " + file;
        if (Files.isDirectory(file)) throw new ImageInputException(where + ": is a directory, not an image file");
        if (!Files.exists(file)) throw new ImageInputException(where + ": no such file");
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new ImageInputException(where + ": cannot be opened");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext())
                throw new ImageInputException(where + ": not an image (" + describe(file) + "); PNG, JPEG, BMP or .npy expected");
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            try {
                reader.setInput(in, true, true);
                checkSize(where, format, reader.getWidth(0), reader.getHeight(0), Files.size(file));
                if (format.equals("JPEG")) checkScans(where, file);
                if (format.equals("BMP")) checkBmpCompression(where, file);
                img = reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw new ImageInputException(where + ": corrupt or unsupported " + format + " image (" + reason(e) + ")", e);
            } finally {
                reader.dispose();
            }
        } catch (NoSuchFileException e) {
            throw new ImageInputException(where + ": no such file", e);
        } catch (IOException e) {
            throw new ImageInputException(where + ": cannot read (" + reason(e) + ")", e);
        }
        return toRgb(img);
    }

    /** {width, height} from an image file's header, without decoding it; null when it is not an image pixelgrad reads. */
    public static int[] size(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) return null;
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[]{reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // The decoder allocates the whole raster from the header's size before reading any pixel data: a header claiming
    // more pixels than the file can hold is refused first, so that a few bytes cannot claim gigabytes.
    private static void checkSize(String where, String format, int width, int height, long fileSize) throws ImageInputException {
        long pixels = (long) width * height;
        if (width <= 0 || height <= 0) throw new ImageInputException(where + ": " + format + " header gives the size " + width + "x" + height);
        if (pixels > MAX_PIXELS)
            throw new ImageInputException(where + ": " + width + "x" + height + " pixels, over the limit of " + MAX_PIXELS
                    + " (PIL's decompression-bomb limit)");
        if (pixels > SMALL_PIXELS && pixels > PIXELS_PER_BYTE * fileSize)
            throw new ImageInputException(where + ": " + format + " header claims " + width + "x" + height + " pixels, more than "
                    + fileSize + " bytes can hold; refused as truncated or a decompression bomb");
    }

    // A BMP whose pixels are an embedded JPEG or PNG (compression 4 or 5, meant for printers) is decoded by ImageIO as a
    // second image whose size no check above has seen: fuzzing found a 174-byte one that exhausted a 1 GB heap. PIL
    // refuses these compressions too.
    private static void checkBmpCompression(String where, Path file) throws ImageInputException, IOException {
        byte[] header = new byte[34];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(header, 0, header.length);
        }
        if (n < header.length) return;   // too short for a compression field: the decoder refuses it
        int infoSize = (header[14] & 0xFF) | (header[15] & 0xFF) << 8 | (header[16] & 0xFF) << 16 | (header[17] & 0xFF) << 24;
        int compression = (header[30] & 0xFF) | (header[31] & 0xFF) << 8 | (header[32] & 0xFF) << 16 | (header[33] & 0xFF) << 24;
        if (infoSize >= 40 && (compression == 4 || compression == 5))
            throw new ImageInputException(where + ": BMP with an embedded " + (compression == 4 ? "JPEG" : "PNG")
                    + " (compression " + compression + ") is not supported; save it as a plain PNG or JPEG");
    }

    // Counts start-of-scan markers (FF DA): entropy-coded data never holds one (an FF there is followed by 00 or a
    // restart marker), so only scans of embedded thumbnails add to the count.
    private static void checkScans(String where, Path file) throws ImageInputException, IOException {
        int scans = 0, previous = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (previous == 0xFF && b == 0xDA && ++scans > MAX_JPEG_SCANS)
                    throw new ImageInputException(where + ": JPEG with more than " + MAX_JPEG_SCANS
                            + " scans (encoders write at most about 20); refused, decoding it could take minutes");
                previous = b;
            }
        }
    }

    /** Converts a decoded image to 8-bit RGB as PIL's convert("RGB") would (see the class comment). */
    public static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        Raster r = img.getRaster();
        int type = r.getTransferType();
        if (img.getColorModel() instanceof ComponentColorModel && r.getNumBands() <= 4
                && (type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT)) {
            // Raw samples: getRGB would run them through the image's colour space (a linear-grey curve, an ICC profile).
            int bands = r.getNumBands();
            int shift = type == DataBuffer.TYPE_USHORT ? 8 : 0;
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                r.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        int band = bands <= 2 ? 0 : c;
                        rgb[o + c] = (byte) (row[x * bands + band] >>> shift);
                    }
                }
            }
        } else {
            // Palettes and packed layouts (BMP's 16/32-bit, indexed PNG): the colour model knows their meaning.
            int[] argb = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, argb, 0, w);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    rgb[o] = (byte) (argb[x] >>> 16);
                    rgb[o + 1] = (byte) (argb[x] >>> 8);
                    rgb[o + 2] = (byte) argb[x];
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
    }

    // A hint at what the file is instead, so "not an image" is actionable.
    private static String describe(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            if (head.length == 0) return "empty file";
            if (head.length >= 2 && head[0] == 'P' && head[1] == 'K') return "a zip archive, perhaps weights given as the image";
            if ((head[0] & 0xff) == 0x80) return "a Python pickle, perhaps weights given as the image";
            boolean text = true;
            for (byte b : head) text &= b == '\n' || b == '\r' || b == '\t' || (b >= 32 && b < 127);
            return text ? "looks like text" : "unknown binary format";
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
