package io.pixelgrad.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes NumPy's .npy format (version 1.0/2.0, little-endian float32, float64, int64, int32, uint8). */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * Reads a .npy file into a new array of the file's dtype (float32, float64, int64, int32, uint8 as int32); any
     * malformed, truncated or unsupported file is an IOException whose one-line message names the file.
     *
     * @throws IOException if the file cannot be read or is not a .npy file pixelgrad reads (one-line message naming the
     *     file)
     */
    public static INDArray read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(bytes);
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new IOException(file + ": not a valid .npy file (" + oneLine(e.getMessage()) + ")");
        }
    }

    private static INDArray parse(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++)
            if (bytes.length <= i || bytes[i] != MAGIC[i]) throw new IllegalArgumentException("no NUMPY magic");
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes.length > 6 ? bytes[6] : 0;
        if (major < 1 || major > 3) throw new IllegalArgumentException("unsupported format version " + major);
        buf.position(8);
        int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
        if (headerLength < 0 || headerLength > bytes.length - buf.position()) throw new IllegalArgumentException("header past end");
        String header = new String(bytes, buf.position(), headerLength, StandardCharsets.ISO_8859_1);
        int dataStart = buf.position() + headerLength;
        String descr = find(DESCR, header, "descr");
        if ("True".equals(find(FORTRAN, header, "fortran_order"))) throw new IllegalArgumentException("Fortran order is not supported");
        String dims = find(SHAPE, header, "shape").trim();
        long[] shape = dims.isEmpty() ? new long[0] : java.util.Arrays.stream(dims.split(","))
                .map(String::trim).filter(t -> !t.isEmpty()).mapToLong(Long::parseLong).toArray();
        int itemSize = itemSize(descr);
        // The header is untrusted: its shape must be backed by the bytes that follow before anything is allocated.
        long count = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + dims);
            count = multiply(count, d, dims);
        }
        long need = multiply(count, itemSize, dims);
        if (need > bytes.length - dataStart)
            throw new IllegalArgumentException("shape (" + dims + ") of " + descr + " needs " + need + " bytes of data but "
                    + (bytes.length - dataStart) + " follow the header");
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice().order(ByteOrder.LITTLE_ENDIAN);
        long[] arrayShape = shape.length == 0 ? new long[]{1} : shape;
        switch (descr) {
            case "<f4": {
                float[] v = new float[(int) count];
                data.asFloatBuffer().get(v);
                return Nd4j.create(v, arrayShape, 'c');
            }
            case "<f8": {
                double[] v = new double[(int) count];
                data.asDoubleBuffer().get(v);
                return Nd4j.create(v, arrayShape, 'c');
            }
            case "<i8": {
                long[] v = new long[(int) count];
                data.asLongBuffer().get(v);
                return Nd4j.createFromArray(v).reshape(arrayShape);
            }
            case "<i4": {
                int[] v = new int[(int) count];
                data.asIntBuffer().get(v);
                return Nd4j.createFromArray(v).reshape(arrayShape);
            }
            default: {
                int[] v = new int[(int) count];
                for (int i = 0; i < v.length; i++) v[i] = Byte.toUnsignedInt(data.get(i));
                return Nd4j.createFromArray(v).reshape(arrayShape);
            }
        }
    }

    private static int itemSize(String descr) {
        switch (descr) {
            case "<f8": case "<i8": return 8;
            case "<f4": case "<i4": return 4;
            case "|u1": return 1;
            default: throw new IllegalArgumentException("unsupported dtype " + descr);
        }
    }

    // Element and byte counts of a hostile shape: refused when they overflow or exceed what one Java array holds.
    private static long multiply(long a, long b, String dims) {
        try {
            long r = Math.multiplyExact(a, b);
            if (r > Integer.MAX_VALUE - 8) throw new ArithmeticException();
            return r;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape (" + dims + ") is too large");
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    private static String find(Pattern p, String header, String what) {
        Matcher m = p.matcher(header);
        if (!m.find()) throw new IllegalArgumentException("header has no " + what);
        return m.group(1);
    }

    /**
     * Writes an array as .npy in its own dtype (float32, float64, int64 or int32). The file appears whole or not at
     * all: it is written next to the target and moved into place.
     *
     * @throws IOException if the file cannot be written or moved into place
     */
    public static void write(INDArray array, Path file) throws IOException {
        String descr;
        int itemSize;
        DataType type = array.dataType();
        switch (type) {
            case FLOAT: descr = "<f4"; itemSize = 4; break;
            case DOUBLE: descr = "<f8"; itemSize = 8; break;
            case LONG: descr = "<i8"; itemSize = 8; break;
            case INT: descr = "<i4"; itemSize = 4; break;
            default: throw new IllegalArgumentException("cannot write " + type + " as .npy");
        }
        long[] shape = array.shape();
        StringBuilder dims = new StringBuilder();
        for (long d : shape) dims.append(d).append(", ");
        if (shape.length > 1) dims.setLength(dims.length() - 2);
        else if (shape.length == 1) dims.setLength(dims.length() - 1);
        String dict = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, dims);
        int total = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        INDArray c = Arrays.contiguous(array);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(10 + header.length() + c.length() * itemSize)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        switch (type) {
            case FLOAT: out.asFloatBuffer().put(c.data().asFloat()); break;
            case DOUBLE: out.asDoubleBuffer().put(c.data().asDouble()); break;
            case LONG: out.asLongBuffer().put(c.data().asLong()); break;
            default: out.asIntBuffer().put(c.data().asInt()); break;
        }
        if (c != array) Arrays.release(c);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".npy-", ".part");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            os.write(out.array());
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
