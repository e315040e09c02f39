package io.pixelgrad.zoo.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** Chooses the reader for a weights file from its content, using the extension only to break ties. */
public final class WeightsReaders {
    private WeightsReaders() {
    }

    /** The formats {@link #detect} can recognize. */
    public enum Format {
        /** torch.save zip format (PyTorch 1.6+). */
        PYTORCH_ZIP,
        /** torch.save legacy format (_use_new_zipfile_serialization=False). */
        PYTORCH_LEGACY,
        /** Hugging Face safetensors. */
        SAFETENSORS,
        /** ONNX ModelProto. */
        ONNX
    }

    /**
     * Reads {@code file} with the reader its content calls for.
     *
     * @throws WeightsFormatException if the file is unreadable, damaged or of no supported format
     */
    public static StateDict open(Path file) throws WeightsFormatException {
        return readerFor(file).read(file);
    }

    /**
     * The reader for {@code file}'s format (see {@link #detect}).
     *
     * @throws WeightsFormatException if the file is unreadable or of no supported format
     */
    public static WeightsReader readerFor(Path file) throws WeightsFormatException {
        switch (detect(file)) {
            case PYTORCH_ZIP:
                return new PyTorchReader()::readZip;
            case PYTORCH_LEGACY:
                return new PyTorchReader()::readLegacy;
            case SAFETENSORS:
                return new SafetensorsReader();
            case ONNX:
                return new OnnxReader();
            default:
                throw new IllegalStateException();
        }
    }

    /**
     * Recognizes the format of {@code file} from its first bytes; the extension decides only between plausible candidates.
     *
     * @throws WeightsFormatException if the file is unreadable or of no supported format
     */
    public static Format detect(Path file) throws WeightsFormatException {
        String w = Errors.where(file);
        byte[] h = head(file, 16);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw Errors.wrap(file, "weights", e);
        }
        if (h.length == 0) {
            throw new WeightsFormatException(w + ": empty file");
        }
        String ext = extension(file);
        if (h.length >= 4 && h[0] == 'P' && h[1] == 'K' && (h[2] == 3 || h[2] == 5) && (h[3] == 4 || h[3] == 6)) {
            return Format.PYTORCH_ZIP;
        }
        // A safetensors header whose length ends in byte 0x80 also starts with 0x80: its '{' at byte 8 tells them apart.
        if ((h[0] & 0xff) == 0x80 && h.length >= 2 && !(h.length >= 9 && h[8] == '{')) {
            if (h.length >= 14 && (h[2] & 0xff) == 0x8a && h[3] == 10 && legacyMagic(h)) {
                return Format.PYTORCH_LEGACY;
            }
            throw new WeightsFormatException(w + ": a pickle without PyTorch's legacy magic number: not a torch.save file");
        }
        boolean safetensors = false;
        if (h.length >= 9 && h[8] == '{') {
            long len = 0;
            for (int i = 7; i >= 0; i--) {
                len = (len << 8) | (h[i] & 0xff);
            }
            safetensors = len > 0 && len <= size - 8;
        }
        boolean onnx = looksLikeOnnx(h);
        if (safetensors && onnx) {
            return ext.equals("onnx") ? Format.ONNX : Format.SAFETENSORS;
        }
        if (safetensors) {
            return Format.SAFETENSORS;
        }
        if (onnx) {
            return Format.ONNX;
        }
        if (h.length >= 9 && h[8] == '{' || ext.equals("safetensors")) {
            // Looks like safetensors whose header length is wrong: let the reader say exactly what is wrong.
            return Format.SAFETENSORS;
        }
        throw new WeightsFormatException(w + ": unrecognized format (not a PyTorch zip or legacy .pth, safetensors or ONNX file)");
    }

    // An ONNX ModelProto starts with one of its own fields' tags; torch and most exporters write ir_version (field 1) first.
    private static boolean looksLikeOnnx(byte[] h) {
        int tag = h[0] & 0xff;
        int field = tag >>> 3;
        int wire = tag & 7;
        return (field == 1 || field == 5) && wire == 0
                || (field >= 2 && field <= 4 || field == 6 || field == 7 || field == 8 || field == 14) && wire == 2;
    }

    private static boolean legacyMagic(byte[] h) {
        byte[] m = PyTorchReader.LEGACY_MAGIC.toByteArray();
        // toByteArray is big-endian; the pickle stores the long little-endian.
        for (int i = 0; i < 10; i++) {
            if (h[4 + i] != m[m.length - 1 - i]) {
                return false;
            }
        }
        return true;
    }

    private static String extension(Path file) {
        Path name = file.getFileName();
        String s = name == null ? "" : name.toString();
        int dot = s.lastIndexOf('.');
        return dot < 0 ? "" : s.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Up to {@code n} first bytes of the file. */
    static byte[] head(Path file, int n) throws WeightsFormatException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        } catch (NoSuchFileException e) {
            throw new WeightsFormatException(Errors.where(file) + ": no such file", e);
        } catch (IOException e) {
            throw Errors.wrap(file, "weights", e);
        }
    }
}
