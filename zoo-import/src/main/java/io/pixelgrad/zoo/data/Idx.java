package io.pixelgrad.zoo.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX files of MNIST and Fashion-MNIST, gzipped or not (detected from the content, not the name): a big-endian
 * magic number 0x0000TTDD (TT = 0x08 for unsigned bytes, DD dimensions), DD sizes, then the samples.
 */
final class Idx {

    private static final int UBYTE = 0x08;

    private Idx() {
    }

    /**
     * Reads an images file [N, H, W] and a labels file [N] into a grey data set; every problem is one line.
     *
     * @throws DatasetException if a file is missing or damaged or the counts disagree
     */
    public static Dataset read(String name, Path images, Path labels, List<String> classes) throws DatasetException {
        Array im = readArray(images, 3, "images");
        Array lb = readArray(labels, 1, "labels");
        if (im.dims[0] != lb.dims[0])
            throw new DatasetException(name + ": " + images.getFileName() + " holds " + im.dims[0] + " images but "
                    + labels.getFileName() + " holds " + lb.dims[0] + " labels");
        int[] l = new int[lb.dims[0]];
        for (int i = 0; i < l.length; i++) {
            l[i] = lb.data[i] & 0xff;
            if (l[i] >= classes.size())
                throw new DatasetException(name + ": " + labels.getFileName() + ": label " + l[i] + " of image " + i
                        + " is not one of the " + classes.size() + " classes");
        }
        return new Dataset(name, im.data, l, 1, im.dims[1], im.dims[2], classes);
    }

    private record Array(int[] dims, byte[] data) {
    }

    private static Array readArray(Path file, int rank, String what) throws DatasetException {
        String where = what + " file " + file;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(open(file), 1 << 16))) {
            int magic = in.readInt();
            if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != UBYTE || (magic & 0xff) != rank)
                throw new DatasetException(where + ": not an IDX " + what + " file (magic number 0x"
                        + String.format("%08x", magic) + ", expected 0x0000080" + rank + ")");
            int[] dims = new int[rank];
            long count = 1;
            for (int d = 0; d < rank; d++) {
                dims[d] = in.readInt();
                if (dims[d] < 0) throw new DatasetException(where + ": negative size " + dims[d]);
                count *= dims[d];
            }
            if (count > Integer.MAX_VALUE - 16) throw new DatasetException(where + ": " + count + " samples is too many");
            byte[] data = new byte[(int) count];
            try {
                in.readFully(data);
            } catch (EOFException e) {
                throw new DatasetException(where + ": truncated (sizes " + java.util.Arrays.toString(dims) + " need "
                        + count + " bytes of samples)", e);
            }
            if (in.read() != -1) throw new DatasetException(where + ": has bytes after its " + count + " samples");
            return new Array(dims, data);
        } catch (NoSuchFileException e) {
            throw new DatasetException(where + ": no such file", e);
        } catch (EOFException e) {
            throw new DatasetException(where + ": truncated header", e);
        } catch (ZipException e) {
            throw new DatasetException(where + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (DatasetException e) {
            throw e;
        } catch (IOException e) {
            throw new DatasetException(where + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The file's bytes, gunzipped when it starts with gzip's magic bytes. */
    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    /**
     * The file for an IDX base name in a directory: {@code base}, {@code base.gz}, or the variant with a dot before
     * "idx" that some mirrors use; null when none exists.
     */
    static Path find(Path dir, String base) {
        String dotted = base.replace("-idx", ".idx");
        for (String n : new String[]{base, base + ".gz", dotted, dotted + ".gz"}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
