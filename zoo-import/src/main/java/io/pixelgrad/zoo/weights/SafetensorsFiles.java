package io.pixelgrad.zoo.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes safetensors files (what pixelgrad's trained models and checkpoints are) and reads back, exactly, the ones it
 * wrote: float32, float64 and int64 tensors keep their type, and the {@code __metadata__} string map travels along.
 * {@link SafetensorsReader} is the general reader for any file (it hands everything out as float32).
 */
public final class SafetensorsFiles {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final long MAX_HEADER = 100L << 20;

    /** The tensors and metadata of a file. */
    public record Contents(Map<String, INDArray> tensors, Map<String, String> metadata) {
    }

    private SafetensorsFiles() {
    }

    /**
     * Writes tensors (float32, float64 or int64; 0-d allowed) in the given order, with a metadata string map, to out.
     * The header is padded with spaces to a multiple of 8 bytes, as the format recommends.
     *
     * @throws IOException if writing to out fails
     */
    public static void write(OutputStream out, Map<String, INDArray> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", code(a.dataType(), e.getKey()));
            var shape = t.putArray("shape");
            for (long d : a.shape()) shape.add(d);
            long bytes = a.length() * a.dataType().width();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] h = JSON.writeValueAsBytes(header);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
        out.write(len.array());
        out.write(h);
        for (int i = h.length; i < padded; i++) out.write(' ');
        for (INDArray a : tensors.values()) {
            INDArray c = Arrays.contiguous(a);
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(c.length() * c.dataType().width())).order(ByteOrder.LITTLE_ENDIAN);
            switch (c.dataType()) {
                case FLOAT -> b.asFloatBuffer().put(c.data().asFloat());
                case DOUBLE -> b.asDoubleBuffer().put(c.data().asDouble());
                default -> b.asLongBuffer().put(c.data().asLong());
            }
            out.write(b.array());
            if (c != a) Arrays.release(c);
        }
    }

    private static String code(DataType type, String key) {
        return switch (type) {
            case FLOAT -> "F32";
            case DOUBLE -> "F64";
            case LONG -> "I64";
            default -> throw new IllegalArgumentException("tensor " + key + ": cannot write " + type + " to safetensors");
        };
    }

    /**
     * Reads a file written by {@link #write}: every tensor in its own type, and the metadata.
     *
     * @throws WeightsFormatException if the file is unreadable or damaged
     */
    public static Contents read(Path file) throws WeightsFormatException {
        String w = "weights " + file;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            JsonNode header = header(ch, w);
            long dataStart = 8 + headerLength(ch);
            long dataSize = ch.size() - dataStart;
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) continue;
                JsonNode t = f.getValue();
                DataType type = switch (t.path("dtype").asText()) {
                    case "F32" -> DataType.FLOAT;
                    case "F64" -> DataType.DOUBLE;
                    case "I64" -> DataType.LONG;
                    default -> throw new WeightsFormatException(w + ": key " + f.getKey() + " has dtype "
                            + t.path("dtype").asText() + " (this reader takes F32, F64 and I64)");
                };
                long[] shape = new long[t.path("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = t.path("shape").get(i).asLong(-1);
                long begin = t.path("data_offsets").path(0).asLong(-1), end = t.path("data_offsets").path(1).asLong(-1);
                long n = Arrays.length(shape);
                if (begin < 0 || end > dataSize || end - begin != n * type.width() || java.util.Arrays.stream(shape).anyMatch(d -> d < 0))
                    throw new WeightsFormatException(w + ": key " + f.getKey() + " has data_offsets that do not fit its shape "
                            + java.util.Arrays.toString(shape) + " or the file");
                ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, b, dataStart + begin);
                b.flip();
                INDArray a = switch (type) {
                    case FLOAT -> {
                        float[] v = new float[(int) n];
                        b.asFloatBuffer().get(v);
                        yield Nd4j.create(v, shape, 'c');
                    }
                    case DOUBLE -> {
                        double[] v = new double[(int) n];
                        b.asDoubleBuffer().get(v);
                        yield Nd4j.create(v, shape, 'c');
                    }
                    default -> {
                        long[] v = new long[(int) n];
                        b.asLongBuffer().get(v);
                        yield shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.createFromArray(v).reshape(shape);
                    }
                };
                tensors.put(f.getKey(), a);
            }
            return new Contents(tensors, metadata(header));
        } catch (IOException | RuntimeException e) {
            throw new WeightsFormatException(w + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Only the {@code __metadata__} map of any safetensors file (empty when it has none).
     *
     * @throws WeightsFormatException if the file is unreadable or its header is damaged
     */
    public static Map<String, String> readMetadata(Path file) throws WeightsFormatException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return metadata(header(ch, "weights " + file));
        } catch (IOException e) {
            throw new WeightsFormatException("weights " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Map<String, String> metadata(JsonNode header) {
        Map<String, String> m = new LinkedHashMap<>();
        JsonNode meta = header.get("__metadata__");
        if (meta != null && meta.isObject()) meta.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static long headerLength(FileChannel ch) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, len, 0);
        return len.getLong(0);
    }

    private static JsonNode header(FileChannel ch, String w) throws IOException, WeightsFormatException {
        if (ch.size() < 8) throw new WeightsFormatException(w + ": truncated safetensors file");
        long length = headerLength(ch);
        if (length < 2 || length > ch.size() - 8 || length > MAX_HEADER)
            throw new WeightsFormatException(w + ": safetensors header length " + length + " does not fit the file");
        ByteBuffer h = ByteBuffer.allocate((int) length);
        readFully(ch, h, 8);
        JsonNode root;
        try {
            root = JSON.readTree(new String(h.array(), StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new WeightsFormatException(w + ": safetensors header is not valid JSON", e);
        }
        if (root == null || !root.isObject()) throw new WeightsFormatException(w + ": safetensors header is not a JSON object");
        return root;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, position + b.position());
            if (n < 0) throw new IOException("unexpected end of file");
        }
    }
}
