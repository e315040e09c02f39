package io.pixelgrad.zoo.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads safetensors files: an 8-byte little-endian header length, a JSON header, then the tensor bytes.
 * Every tensor's data_offsets are checked against the data area and against its shape and dtype, and no two
 * tensors may overlap. Tensors are memory-mapped read-only one by one.
 */
final class SafetensorsReader implements WeightsReader {
    // Real headers are kilobytes; the limit stops a hostile length from allocating gigabytes.
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private record Entry(String name, WeightDType dtype, long[] shape, long begin, long end) {
    }

    /** Reads every tensor of a safetensors file (the {@code __metadata__} entry is ignored). */
    @Override
    public StateDict read(Path file) throws WeightsFormatException {
        String w = Errors.where(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new WeightsFormatException(w + ": truncated safetensors file (" + size + " bytes, no header length)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > size - 8) {
                throw new WeightsFormatException(w + ": safetensors header length " + Long.toUnsignedString(headerLen)
                        + " does not fit in the file of " + size + " bytes");
            }
            if (headerLen > MAX_HEADER) {
                throw new WeightsFormatException(w + ": safetensors header of " + headerLen + " bytes is implausibly large");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode root;
            try {
                root = JSON.readTree(hb.array());
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new WeightsFormatException(w + ": safetensors header is not valid JSON: "
                        + SafeUnpickler.printable(String.valueOf(e.getOriginalMessage())), e);
            }
            if (root == null || !root.isObject()) {
                throw new WeightsFormatException(w + ": safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            List<Entry> entries = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    continue;
                }
                Entry e = entry(w, f.getKey(), f.getValue(), dataSize);
                if (e != null) {
                    entries.add(e);
                }
            }
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
            for (int i = 1; i < sorted.size(); i++) {
                Entry a = sorted.get(i - 1);
                Entry b = sorted.get(i);
                if (b.begin() < a.end()) {
                    throw new WeightsFormatException(w + ": keys " + SafeUnpickler.printable(a.name()) + " "
                            + Arrays.toString(new long[]{a.begin(), a.end()}) + " and " + SafeUnpickler.printable(b.name())
                            + " " + Arrays.toString(new long[]{b.begin(), b.end()}) + " overlap in the data area");
                }
            }
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.end() - e.begin());
                out.put(e.name(), WeightTensor.checkedView(w, e.name(), e.shape(), e.dtype(), buf, 0,
                        WeightTensor.contiguousStrides(e.shape())).withFile(file, dataStart + e.begin()));
            }
            return new StateDict(file, out);
        } catch (Throwable t) {
            if (t instanceof Error && !(t instanceof StackOverflowError)) {
                throw (Error) t;
            }
            throw Errors.wrap(file, "safetensors", t);
        }
    }

    private static Entry entry(String w, String rawName, JsonNode n, long dataSize) throws WeightsFormatException {
        String name = SafeUnpickler.printable(rawName);
        if (!n.isObject()) {
            throw new WeightsFormatException(w + ": key " + name + " is not a JSON object in the safetensors header");
        }
        JsonNode dt = n.get("dtype");
        JsonNode shapeNode = n.get("shape");
        JsonNode offs = n.get("data_offsets");
        if (dt == null || !dt.isTextual() || shapeNode == null || !shapeNode.isArray() || offs == null
                || !offs.isArray() || offs.size() != 2) {
            throw new WeightsFormatException(w + ": key " + name + " lacks dtype, shape or a data_offsets pair");
        }
        long[] shape = new long[shapeNode.size()];
        if (shape.length > 32) {
            throw new WeightsFormatException(w + ": key " + name + " has " + shape.length + " dimensions");
        }
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new WeightsFormatException(w + ": key " + name + " has an invalid shape " + shapeNode);
            }
            shape[i] = d.asLong();
        }
        WeightDType dtype;
        if (dt.asText().equals("I64") && PyTorchReader.isBatchNormCounter(rawName) && shape.length == 0) {
            return null;
        }
        switch (dt.asText()) {
            case "F32": dtype = WeightDType.F32; break;
            case "F16": dtype = WeightDType.F16; break;
            case "BF16": dtype = WeightDType.BF16; break;
            case "F64": dtype = WeightDType.F64; break;
            default:
                throw new WeightsFormatException(w + ": key " + name + " with shape " + Arrays.toString(shape)
                        + " has unsupported dtype " + SafeUnpickler.printable(dt.asText()) + " (supported: F32, F16, BF16, F64)");
        }
        long numel = WeightTensor.numel(w, name, shape);
        for (int i = 0; i < 2; i++) {
            if (!offs.get(i).isIntegralNumber() || !offs.get(i).canConvertToLong()) {
                throw new WeightsFormatException(w + ": key " + name + " has invalid data_offsets " + offs);
            }
        }
        long begin = offs.get(0).asLong();
        long end = offs.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new WeightsFormatException(w + ": key " + name + " has data_offsets [" + begin + ", " + end
                    + "] outside the data area of " + dataSize + " bytes");
        }
        long expected = numel * dtype.size();
        if (end - begin != expected) {
            throw new WeightsFormatException(w + ": key " + name + " with shape " + Arrays.toString(shape) + " and dtype "
                    + dtype + " needs " + expected + " bytes but data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin));
        }
        return new Entry(rawName, dtype, shape, begin, end);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws java.io.IOException, WeightsFormatException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new java.io.EOFException();
            }
        }
    }
}
