package io.pixelgrad.zoo.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;

import io.pixelgrad.zoo.weights.onnx.OnnxProtos;

/**
 * Reads the initializers of an ONNX model (its weights) under their ONNX names; {@link OnnxNameMapper} renames
 * them to state_dict keys. The file is memory-mapped and parsed with aliasing, so {@code raw_data} tensors
 * stay views on the mapping; typed fields (float_data, double_data, int32_data) are copied once, as protobuf
 * already decoded them onto the heap.
 *
 * <p>Integer initializers of rank 0 or 1 are graph constants (reshape targets and the like), not weights, and
 * are skipped; any other initializer of an unsupported type is an error.
 */
final class OnnxReader implements WeightsReader {
    private static final int FLOAT = 1;
    private static final int FLOAT16 = 10;
    private static final int DOUBLE = 11;
    private static final int BFLOAT16 = 16;
    private static final String[] TYPE_NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
        "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};

    /** Reads every floating-point initializer, keyed by its ONNX name, in file order. */
    @Override
    public StateDict read(Path file) throws WeightsFormatException {
        String w = Errors.where(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new WeightsFormatException(w + ": ONNX files over 2 GiB (protobuf's limit) are not supported");
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            CodedInputStream cis = CodedInputStream.newInstance(map);
            cis.enableAliasing(true);
            OnnxProtos.Model model = OnnxProtos.Model.parseFrom(cis);
            if (!model.hasGraph()) {
                throw new WeightsFormatException(w + ": ONNX model without a graph");
            }
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (OnnxProtos.Tensor t : model.getGraph().getInitializerList()) {
                WeightTensor wt = tensor(w, t);
                if (wt != null) {
                    if (out.put(wt.name(), wt) != null) {
                        throw new WeightsFormatException(w + ": initializer " + SafeUnpickler.printable(wt.name())
                                + " appears twice");
                    }
                }
            }
            if (out.isEmpty()) {
                throw new WeightsFormatException(w + ": ONNX model has no floating-point initializers (exported without weights?)");
            }
            return new StateDict(file, out);
        } catch (Throwable t) {
            if (t instanceof Error && !(t instanceof StackOverflowError)) {
                throw (Error) t;
            }
            if (t instanceof com.google.protobuf.InvalidProtocolBufferException
                    && String.valueOf(t.getMessage()).contains("ended unexpectedly")) {
                throw new WeightsFormatException(w + ": not a valid ONNX model: truncated protobuf", t);
            }
            if (t instanceof com.google.protobuf.InvalidProtocolBufferException) {
                throw new WeightsFormatException(w + ": not a valid ONNX model (truncated or corrupt protobuf: "
                        + SafeUnpickler.printable(String.valueOf(t.getMessage())) + ")", t);
            }
            throw Errors.wrap(file, "ONNX", t);
        }
    }

    private static WeightTensor tensor(String w, OnnxProtos.Tensor t) throws WeightsFormatException {
        String name = t.getName();
        String shown = SafeUnpickler.printable(name);
        long[] shape = new long[t.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.getDims(i);
        }
        if (t.getDataLocation() == 1) {
            throw new WeightsFormatException(w + ": initializer " + shown + " keeps its data in an external file; not supported");
        }
        int type = t.getDataType();
        // Integer tensors of rank 0 or 1 are graph constants (reshape targets), not weights: skip them.
        boolean integer = type == 2 || type == 3 || type == 4 || type == 5 || type == 6 || type == 7 || type == 9
                || type == 12 || type == 13;
        if (integer && shape.length <= 1) return null;
        WeightDType dt;
        switch (type) {
            case FLOAT: dt = WeightDType.F32; break;
            case FLOAT16: dt = WeightDType.F16; break;
            case DOUBLE: dt = WeightDType.F64; break;
            case BFLOAT16: dt = WeightDType.BF16; break;
            default:
                throw new WeightsFormatException(w + ": key " + shown + " with shape " + Arrays.toString(shape)
                        + " has unsupported dtype " + (type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "#" + type)
                        + " (supported: FLOAT, FLOAT16, BFLOAT16, DOUBLE)");
        }
        long numel = WeightTensor.numel(w, shown, shape);
        ByteBuffer data;
        ByteString raw = t.getRawData();
        if (!raw.isEmpty()) {
            long need = numel * dt.size();
            if (raw.size() != need) {
                throw new WeightsFormatException(w + ": key " + shown + " with shape " + Arrays.toString(shape)
                        + " needs " + need + " bytes of raw_data but has " + raw.size());
            }
            data = raw.asReadOnlyByteBuffer();
        } else if (dt == WeightDType.F32) {
            checkCount(w, shown, shape, "float_data", t.getFloatDataCount(), numel);
            data = ByteBuffer.allocate((int) numel * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < numel; i++) {
                data.putFloat(i * 4, t.getFloatData(i));
            }
        } else if (dt == WeightDType.F64) {
            checkCount(w, shown, shape, "double_data", t.getDoubleDataCount(), numel);
            data = ByteBuffer.allocate((int) numel * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < numel; i++) {
                data.putDouble(i * 8, t.getDoubleData(i));
            }
        } else {
            // FLOAT16 / BFLOAT16 values travel as their 16 bits in int32_data.
            checkCount(w, shown, shape, "int32_data", t.getInt32DataCount(), numel);
            data = ByteBuffer.allocate((int) numel * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < numel; i++) {
                data.putShort(i * 2, (short) t.getInt32Data(i));
            }
        }
        return WeightTensor.checkedView(w, name, shape, dt, data.order(ByteOrder.LITTLE_ENDIAN), 0,
                WeightTensor.contiguousStrides(shape));
    }

    private static void checkCount(String w, String name, long[] shape, String field, int count, long numel)
            throws WeightsFormatException {
        if (count != numel) {
            throw new WeightsFormatException(w + ": key " + name + " with shape " + Arrays.toString(shape) + " has "
                    + count + " values in " + field + ", expected " + numel);
        }
    }
}
