package io.pixelgrad.zoo.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every reader returns exactly the float32 values PyTorch holds, for every dtype, view and storage form. */
class ReadersMatchPyTorchTest {

    /** Compares bit for bit: the conversions (f16, bf16, f64 -> f32) are exact or correctly rounded, like PyTorch's. */
    static void assertMatches(Map<String, Fixtures.Expected> expected, StateDict sd, boolean allKeys) {
        if (allKeys) {
            assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(sd.keys()), "keys and their order");
        }
        for (Map.Entry<String, Fixtures.Expected> e : expected.entrySet()) {
            WeightTensor t = sd.get(e.getKey());
            if (!allKeys && t == null) {
                continue;
            }
            assertNotNull(t, e.getKey());
            Fixtures.Expected x = e.getValue();
            assertArrayEquals(x.shape(), t.shape(), e.getKey() + " shape");
            assertEquals(x.dtype(), t.dtype(), e.getKey() + " dtype");
            float[] got = t.toFloatArray();
            assertEquals(x.values().length, got.length, e.getKey());
            for (int i = 0; i < got.length; i++) {
                assertEquals(Float.floatToIntBits(x.values()[i]), Float.floatToIntBits(got[i]),
                        e.getKey() + "[" + i + "] expected " + x.values()[i] + " got " + got[i]);
            }
            // The off-heap path the engine uses must give the same floats, at the buffer's position.
            FloatBuffer direct = ByteBuffer.allocateDirect((got.length + 3) * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            direct.position(3);
            t.copyTo(direct);
            assertEquals(3 + got.length, direct.position());
            for (int i = 0; i < got.length; i++) {
                assertEquals(Float.floatToIntBits(got[i]), Float.floatToIntBits(direct.get(3 + i)));
            }
            // The float64 path: every stored dtype widens exactly (float64 tensors keep every bit).
            DoubleBuffer wide = ByteBuffer.allocateDirect((got.length + 2) * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
            wide.position(2);
            t.copyTo(wide);
            assertEquals(2 + got.length, wide.position());
            for (int i = 0; i < got.length; i++) {
                assertEquals(Double.doubleToLongBits(x.values64()[i]), Double.doubleToLongBits(wide.get(2 + i)),
                        e.getKey() + "[" + i + "] as float64: expected " + x.values64()[i] + " got " + wide.get(2 + i));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"tiny_zip.pth", "tiny_legacy.pth", "tiny_checkpoint.pth"})
    void pytorchFilesMatch(String file) throws Exception {
        try (StateDict sd = WeightsReaders.open(Fixtures.path(file))) {
            assertMatches(Fixtures.expected("tiny_expected.json"), sd, true);
            assertNull(sd.get("bn.num_batches_tracked"), "BatchNorm's int64 counter is skipped");
        }
    }

    @Test
    void parametersGoThroughRebuildParameter() throws Exception {
        StateDict sd = WeightsReaders.open(Fixtures.path("tiny_parameters.pth"));
        assertEquals(List.of("features.0.weight", "features.0.bias"), new ArrayList<>(sd.keys()));
        assertMatches(Fixtures.expected("tiny_expected.json"), sd, false);
    }

    @Test
    void safetensorsMatches() throws Exception {
        Map<String, Fixtures.Expected> exp = Fixtures.expected("tiny_expected.json");
        StateDict sd = WeightsReaders.open(Fixtures.path("tiny.safetensors"));
        assertMatches(exp, sd, true);
        assertEquals(WeightDType.BF16, sd.get("bf16.weight").dtype());
        assertEquals(WeightDType.F16, sd.get("half.weight").dtype());
        assertEquals(WeightDType.F64, sd.get("double.weight").dtype());
    }

    @Test
    void onnxTorchvisionExportMatches() throws Exception {
        StateDict sd = OnnxNameMapper.readMapped(Fixtures.path("tiny_torchvision.onnx"));
        assertMatches(Fixtures.expected("tiny_torchvision_onnx_expected.json"), sd, false);
        assertTrue(sd.keys().containsAll(List.of("features.0.weight", "features.0.bias", "classifier.1.weight",
                "classifier.1.bias")), sd.keys().toString());
    }

    @Test
    void onnxTypedFieldsMatch() throws Exception {
        StateDict sd = WeightsReaders.open(Fixtures.path("typed_fields.onnx"));
        assertMatches(Fixtures.expected("typed_fields_onnx_expected.json"), sd, true);
        assertNull(sd.get("reshape_shape"), "1-D int64 graph constants are not weights");
    }

    @Test
    void nonContiguousViewComesOutRowMajor() throws Exception {
        // classifier.1.weight is a transposed [6, 11] tensor: element [i][j] of the view is element [j][i] of the storage.
        StateDict zip = WeightsReaders.open(Fixtures.path("tiny_zip.pth"));
        StateDict st = WeightsReaders.open(Fixtures.path("tiny.safetensors"));
        assertArrayEquals(st.get("classifier.1.weight").toFloatArray(), zip.get("classifier.1.weight").toFloatArray());
        assertArrayEquals(new long[]{11, 6}, zip.get("classifier.1.weight").shape());
    }

    @ParameterizedTest
    @CsvSource({"tiny_zip.pth, PYTORCH_ZIP", "tiny_legacy.pth, PYTORCH_LEGACY", "tiny.safetensors, SAFETENSORS",
            "tiny_torchvision.onnx, ONNX", "typed_fields.onnx, ONNX"})
    void formatIsChosenByContentNotName(String file, WeightsReaders.Format format, @TempDir Path tmp) throws IOException,
            WeightsFormatException {
        assertEquals(format, WeightsReaders.detect(Fixtures.path(file)));
        // Misleading extensions do not matter.
        Path renamed = tmp.resolve("weights.bin");
        Files.copy(Fixtures.path(file), renamed);
        assertEquals(format, WeightsReaders.detect(renamed));
        assertTrue(WeightsReaders.open(renamed).size() > 0);
    }
}
