package io.pixelgrad.vis.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One feature vector per image of a data set, appended in order and read back by index. Small sets stay on the heap;
 * once the rows pass a memory limit they go to a temporary file (written through a small buffer, read back through
 * read-only memory mappings), so a pass over 60,000 images holds no more Java memory than one over 1,000: the
 * operating system pages the file in and out as needed. Values are stored as float32 (float64 with
 * {@code doublePrecision}, for float64 runs), exactly as the model computed them.
 */
public final class FeatureStore implements AutoCloseable {

    /** Default memory limit before rows go to a file: 64 MiB. */
    public static final long DEFAULT_MEMORY_LIMIT = 64L << 20;
    private static final long SEGMENT = 1L << 30;

    private final int dim;
    private final boolean doublePrecision;
    private final long memoryLimit;
    private final int elementBytes;
    private int rows;
    private ByteBuffer heap;
    private Path file;
    private FileChannel channel;
    private ByteBuffer pending;
    private List<MappedByteBuffer> segments;
    private int rowsPerSegment;

    /** A store for rows of dim values, spilling to a temporary file past memoryLimit bytes. */
    public FeatureStore(int dim, boolean doublePrecision, long memoryLimit) {
        if (dim < 1) throw new IllegalArgumentException("features need at least one dimension");
        this.dim = dim;
        this.doublePrecision = doublePrecision;
        this.memoryLimit = memoryLimit;
        this.elementBytes = doublePrecision ? 8 : 4;
        this.heap = ByteBuffer.allocate(Math.max(elementBytes * dim, (int) Math.min(1 << 16, memoryLimit))).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Values per row. */
    public int dim() {
        return dim;
    }

    /** Rows stored. */
    public int rows() {
        return rows;
    }

    /** Whether the rows live in a file (the set was large). */
    public boolean onDisk() {
        return file != null;
    }

    /** Appends a row of dim values from values[offset...]. */
    public void append(double[] values, int offset) {
        if (segments != null) throw new IllegalStateException("the store is being read; no more rows");
        long rowBytes = (long) elementBytes * dim;
        if (file == null && (long) (rows + 1) * rowBytes > memoryLimit) spill();
        ByteBuffer target = file != null ? pending : heap;
        if (file == null && target.remaining() < rowBytes) target = heap = grow(heap, rowBytes);
        if (file != null && target.remaining() < rowBytes) flush();
        for (int j = 0; j < dim; j++) {
            if (doublePrecision) target.putDouble(values[offset + j]);
            else target.putFloat((float) values[offset + j]);
        }
        rows++;
    }

    /** Row i into dst (dim values from offset). */
    public void row(int i, double[] dst, int offset) {
        if (i < 0 || i >= rows) throw new IndexOutOfBoundsException("row " + i + " of " + rows);
        ByteBuffer b;
        int at;
        if (file == null) {
            b = heap;
            at = i * elementBytes * dim;
        } else {
            mapForReading();
            b = segments.get(i / rowsPerSegment);
            at = (i % rowsPerSegment) * elementBytes * dim;
        }
        for (int j = 0; j < dim; j++)
            dst[offset + j] = doublePrecision ? b.getDouble(at + 8 * j) : b.getFloat(at + 4 * j);
    }

    /** Row i as a new array. */
    public double[] row(int i) {
        double[] r = new double[dim];
        row(i, r, 0);
        return r;
    }

    private static ByteBuffer grow(ByteBuffer b, long need) {
        long size = Math.max((long) b.capacity() * 2, b.position() + need);
        if (size > Integer.MAX_VALUE) throw new IllegalStateException("feature rows too large for memory");
        ByteBuffer bigger = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.flip();
        bigger.put(b);
        return bigger;
    }

    private void spill() {
        try {
            file = Files.createTempFile("pixelgrad-features-", ".bin");
            file.toFile().deleteOnExit();
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
            pending = ByteBuffer.allocateDirect(Math.max(1 << 20, elementBytes * dim)).order(ByteOrder.LITTLE_ENDIAN);
            heap.flip();
            while (heap.hasRemaining()) channel.write(heap);
            heap = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the features' temporary file", e);
        }
    }

    private void flush() {
        try {
            pending.flip();
            while (pending.hasRemaining()) channel.write(pending);
            pending.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the features' temporary file", e);
        }
    }

    private void mapForReading() {
        if (segments != null) return;
        flush();
        try {
            long rowBytes = (long) elementBytes * dim;
            rowsPerSegment = (int) Math.max(1, SEGMENT / rowBytes);
            segments = new ArrayList<>();
            for (long first = 0; first < rows; first += rowsPerSegment) {
                long n = Math.min(rowsPerSegment, rows - first);
                MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, first * rowBytes, n * rowBytes);
                m.order(ByteOrder.LITTLE_ENDIAN);
                segments.add(m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map the features' temporary file", e);
        }
    }

    /** Deletes the temporary file, if any. */
    @Override
    public void close() {
        segments = null;
        heap = null;
        if (channel != null) {
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            channel = null;
        }
    }
}
