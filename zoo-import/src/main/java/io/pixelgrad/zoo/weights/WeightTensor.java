package io.pixelgrad.zoo.weights;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One named tensor of a state_dict: its shape, its dtype in the file, and its values, read lazily as float32.
 *
 * <p>The values stay in the file's bytes (usually a read-only memory-mapped region) until asked for, so a
 * loaded state_dict costs almost no heap; each call of {@link #toFloatArray()} or {@link #copyTo(FloatBuffer)}
 * converts from the file's dtype at that moment. Elements are addressed through a storage offset and
 * strides (in elements), as PyTorch does, so non-contiguous tensors come out in row-major order.
 */
public final class WeightTensor {
    private final String name;
    private final long[] shape;
    private final WeightDType dtype;
    private final ByteBuffer storage;
    private final long offset;
    private final long[] strides;
    private final long numel;
    private final Path file;            // where the storage's bytes lie in a file, for direct reads; null if unknown
    private final long filePosition;    // byte position of storage element 0 in that file

    /**
     * Creates a tensor view on {@code storage} (bytes in little-endian order); the caller has checked that
     * every addressed element lies inside the storage (see {@link #checkedView}).
     */
    private WeightTensor(String name, long[] shape, WeightDType dtype, ByteBuffer storage, long offset,
                         long[] strides, long numel) {
        this(name, shape, dtype, storage, offset, strides, numel, null, 0);
    }

    private WeightTensor(String name, long[] shape, WeightDType dtype, ByteBuffer storage, long offset,
                         long[] strides, long numel, Path file, long filePosition) {
        this.file = file;
        this.filePosition = filePosition;
        this.name = name;
        this.shape = shape;
        this.dtype = dtype;
        this.storage = storage.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.offset = offset;
        this.strides = strides;
        this.numel = numel;
    }

    /**
     * Creates a tensor over {@code storage} after checking the shape, strides and offset against the storage size;
     * {@code where} is prefixed to errors (e.g. "weights FILE").
     */
    static WeightTensor checkedView(String where, String name, long[] shape, WeightDType dtype, ByteBuffer storage,
                                    long offset, long[] strides) throws WeightsFormatException {
        if (strides.length != shape.length) {
            throw new WeightsFormatException(where + ": key " + name + " has shape " + Arrays.toString(shape)
                    + " but strides " + Arrays.toString(strides));
        }
        long numel = numel(where, name, shape);
        long storageElems = storage.remaining() / dtype.size();
        if (offset < 0) {
            throw new WeightsFormatException(where + ": key " + name + " has negative storage offset " + offset);
        }
        long maxIndex = offset;
        if (numel > 0) {
            for (int i = 0; i < shape.length; i++) {
                if (strides[i] < 0) {
                    throw new WeightsFormatException(where + ": key " + name + " has negative stride "
                            + Arrays.toString(strides));
                }
                try {
                    maxIndex = Math.addExact(maxIndex, Math.multiplyExact(shape[i] - 1, strides[i]));
                } catch (ArithmeticException e) {
                    throw new WeightsFormatException(where + ": key " + name + " with shape " + Arrays.toString(shape)
                            + " and strides " + Arrays.toString(strides) + " overflows");
                }
            }
            if (maxIndex >= storageElems) {
                throw new WeightsFormatException(where + ": key " + name + " with shape " + Arrays.toString(shape)
                        + ", strides " + Arrays.toString(strides) + " and offset " + offset + " needs "
                        + (maxIndex + 1) + " elements but its storage holds " + storageElems);
            }
        } else if (offset > storageElems) {
            throw new WeightsFormatException(where + ": key " + name + " has offset " + offset
                    + " past its storage of " + storageElems + " elements");
        }
        if (numel > storageElems) {
            // Every element lies inside the storage, so only overlapping strides (e.g. 0) get here: a few bytes
            // could then claim gigabytes of floats.
            throw new WeightsFormatException(where + ": key " + name + " with shape " + Arrays.toString(shape) + " and strides "
                    + Arrays.toString(strides) + " has " + numel + " elements but its storage holds only " + storageElems
                    + " (overlapping views are not supported)");
        }
        return new WeightTensor(name, shape.clone(), dtype, storage, offset, strides.clone(), numel);
    }

    /** Row-major (contiguous) strides of a shape, in elements. */
    static long[] contiguousStrides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(1, shape[i]);
        }
        return s;
    }

    /**
     * Number of elements of a shape, refusing negative dimensions and anything a Java array cannot hold, so a
     * hostile header can never make us allocate absurd amounts.
     */
    static long numel(String where, String name, long[] shape) throws WeightsFormatException {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new WeightsFormatException(where + ": key " + name + " has negative dimension in shape "
                        + Arrays.toString(shape));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new WeightsFormatException(where + ": key " + name + " has shape " + Arrays.toString(shape)
                        + " whose element count overflows");
            }
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new WeightsFormatException(where + ": key " + name + " has shape " + Arrays.toString(shape)
                    + " with " + n + " elements, more than one float array can hold");
        }
        return n;
    }

    /** The same data under another key (used when mapping ONNX names onto state_dict keys). */
    public WeightTensor withName(String newName) {
        return new WeightTensor(newName, shape, dtype, storage, offset, strides, numel, file, filePosition);
    }

    /**
     * The same tensor, noting that its storage's bytes are also found in a file at a byte position (stored
     * uncompressed): {@link #readInto} can then copy them straight from the file, without touching mapped pages.
     */
    WeightTensor withFile(Path source, long position) {
        return new WeightTensor(name, shape, dtype, storage, offset, strides, numel, source, position);
    }

    /**
     * Copies the values into a native-order byte buffer at its position (advancing it), straight from the file when
     * the tensor is contiguous, stored in {@code as} and file-backed: the operating system's page cache serves the
     * read and no mapped page of the file stays resident. Returns false (copying nothing) otherwise.
     *
     * @throws java.io.IOException if reading the file fails
     */
    public boolean readInto(ByteBuffer dst, WeightDType as) throws java.io.IOException {
        if (file == null || dtype != as || !isContiguous() || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) return false;
        long bytes = numel * dtype.size();
        if (dst.remaining() < bytes) throw new java.nio.BufferOverflowException();
        ByteBuffer target = dst.duplicate();
        target.limit(Math.toIntExact(target.position() + bytes));
        long position = filePosition + offset * dtype.size();
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            while (target.hasRemaining()) {
                int n = ch.read(target, position);
                if (n < 0) throw new java.io.EOFException(file + " ended while reading " + name);
                position += n;
            }
        }
        dst.position(Math.toIntExact(dst.position() + bytes));
        return true;
    }

    /** The state_dict key, e.g. {@code features.0.weight}. */
    public String name() {
        return name;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** The element type in the file. */
    public WeightDType dtype() {
        return dtype;
    }

    /** Number of elements (product of the shape). */
    public long numel() {
        return numel;
    }

    /** The values as a new float32 array in row-major order, converted from the file's dtype now. */
    public float[] toFloatArray() {
        float[] out = new float[(int) numel];
        copyTo(FloatBuffer.wrap(out));
        return out;
    }

    /**
     * Writes the values in row-major order at the buffer's position (advancing it), converting from the file's
     * dtype; lets the engine fill an off-heap buffer without an intermediate heap array.
     *
     * @throws java.nio.BufferOverflowException if fewer than {@link #numel()} floats remain in {@code dst}
     */
    public void copyTo(FloatBuffer dst) {
        if (dst.remaining() < numel) {
            throw new java.nio.BufferOverflowException();
        }
        forEachRun((start, count) -> {
            if (dtype == WeightDType.F32) {
                dst.put(bytes(start, count).asFloatBuffer());
                return;
            }
            for (long i = 0; i < count; i++) {
                dst.put((float) element(start + i));
            }
        });
    }

    /**
     * Writes the values as float64 in row-major order at the buffer's position (advancing it). Every stored dtype
     * widens exactly (float16, bfloat16 and float32 values are all representable in float64; float64 is copied).
     *
     * @throws java.nio.BufferOverflowException if fewer than {@link #numel()} doubles remain in {@code dst}
     */
    public void copyTo(DoubleBuffer dst) {
        if (dst.remaining() < numel) {
            throw new java.nio.BufferOverflowException();
        }
        forEachRun((start, count) -> {
            if (dtype == WeightDType.F64) {
                dst.put(bytes(start, count).asDoubleBuffer());
                return;
            }
            for (long i = 0; i < count; i++) {
                dst.put(element(start + i));
            }
        });
    }

    /** A run of consecutive storage elements, in row-major order of the tensor. */
    @FunctionalInterface
    private interface RunVisitor {
        void run(long start, long count);
    }

    /** Visits the storage in row-major order of the tensor, as runs of consecutive elements. */
    private void forEachRun(RunVisitor visitor) {
        if (numel == 0) {
            return;
        }
        int rank = shape.length;
        if (isContiguous()) {
            visitor.run(offset, numel);
            return;
        }
        // Walk the index space in row-major order; the innermost dimension is one run when its stride is 1.
        long[] idx = new long[rank];
        long inner = rank == 0 ? 1 : shape[rank - 1];
        long innerStride = rank == 0 ? 1 : strides[rank - 1];
        long done = 0;
        while (done < numel) {
            long base = offset;
            for (int i = 0; i < rank - 1; i++) {
                base += idx[i] * strides[i];
            }
            if (innerStride == 1) {
                visitor.run(base, inner);
            } else {
                for (long j = 0; j < inner; j++) {
                    visitor.run(base + j * innerStride, 1);
                }
            }
            done += inner;
            for (int i = rank - 2; i >= 0; i--) {
                if (++idx[i] < shape[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
    }

    private boolean isContiguous() {
        long[] c = contiguousStrides(shape);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != 1 && strides[i] != c[i]) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of count elements from storage element start, little-endian. */
    private ByteBuffer bytes(long start, long count) {
        int pos = Math.toIntExact(start * dtype.size());
        ByteBuffer b = storage.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(pos).limit(Math.toIntExact(pos + count * dtype.size()));
        return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** One element, exactly, as a double (every stored dtype fits). */
    private double element(long index) {
        int pos = Math.toIntExact(index * dtype.size());
        switch (dtype) {
            case F32:
                return storage.getFloat(pos);
            case F64:
                return storage.getDouble(pos);
            case F16:
                return Half.toFloat(storage.getShort(pos));
            case BF16:
                return Float.intBitsToFloat((storage.getShort(pos) & 0xffff) << 16);
            default:
                throw new IllegalStateException(dtype.toString());
        }
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(shape) + " " + dtype;
    }
}
