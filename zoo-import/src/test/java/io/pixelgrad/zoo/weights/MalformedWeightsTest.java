package io.pixelgrad.zoo.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The malformed-file corpus: every hostile or broken file gives a one-line {@link WeightsFormatException} naming the
 * file and saying specifically what is wrong, and nothing in a hostile pickle is ever executed.
 */
class MalformedWeightsTest {
    /** What the hostile pickles would create if anything ran them (see make_weight_fixtures.py). */
    private static final String MARKER = "pixelgrad_pwned_marker";

    @TempDir
    Path tmp;

    /** Reads the file completely (every tensor converted) and returns the error it must raise. */
    static String errorOf(Path file) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> {
            try (StateDict sd = WeightsReaders.open(file)) {
                for (WeightTensor t : sd.tensors().values()) {
                    t.toFloatArray();
                }
            }
        }, file.toString());
        String m = e.getMessage();
        assertTrue(m.startsWith("weights " + file + ": "), m);
        assertFalse(m.contains("\n"), "one line: " + m);
        return m.substring(("weights " + file + ": ").length());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // code execution attempts
        "evil_os_system.pth | pickle refers to global os.system, which a state_dict never needs; refused and not executed",
        "evil_posix_system.pth | pickle refers to global posix.system, which a state_dict never needs; refused",
        "evil_builtins_eval.pth | pickle refers to global builtins.eval, which a state_dict never needs; refused",
        "evil_subprocess_stack_global.pth | pickle refers to global subprocess.check_call, which a state_dict never needs",
        "evil_legacy_os_system.pth | pickle refers to global os.system, which a state_dict never needs",
        "evil_inside_state_dict.pth | pickle refers to global posix.system",
        "unknown_global_class.pth | pickle refers to global argparse.Namespace, which a state_dict never needs",
        // not a state_dict
        "not_state_dict_list.pth | the pickle holds a list, not a state_dict (a dict of name -> tensor)",
        "not_state_dict_int.pth | the pickle holds an int (42), not a state_dict",
        "not_state_dict_mixed.pth | key lr is a float, not a tensor: not a state_dict",
        "plain_pickle_not_torch.pth | a pickle without PyTorch's legacy magic number: not a torch.save file",
        // unsupported dtypes
        "dtype_int64.pth | key features.0.weight with shape [2, 3] has unsupported dtype torch.LongStorage",
        "dtype_complex.pth | key features.0.weight with shape [2, 2] has unsupported dtype torch.ComplexFloatStorage",
        "dtype_i64.safetensors | key features.0.weight with shape [2, 3] has unsupported dtype I64",
        "dtype_int64_matrix.onnx | key features.0.weight with shape [2, 3] has unsupported dtype INT64",
        // absurd shapes, views and storages
        "shape_overflow.pth | key features.0.weight has shape [1000000000000, 1000000000000] whose element count overflows",
        "shape_beyond_storage.pth | key features.0.weight with shape [64, 3, 3, 3], strides [27, 9, 3, 1] and offset 0 needs 1728 elements but its storage holds 12",
        "offset_beyond_storage.pth | key features.0.weight with shape [2, 2], strides [2, 1] and offset 10 needs 14 elements but its storage holds 12",
        "storage_numel_beyond_entry.pth | storage 0 declares 1099511627776 elements, over the 2 GiB",
        "storage_missing.pth | key features.0.weight uses storage data/7, which the archive does not contain",
        "storage_key_path.pth | key features.0.weight names storage '../../etc/passwd', which is not a valid storage name",
        "storage_compressed.pth | storage archive/data/0 is compressed",
        "legacy_numel_mismatch.pth | storage 1 holds 13 elements but the pickle declared 12",
        // zip structure
        "zip_dotdot_entry.pth | zip entry name '../x' is a path outside the archive; refused",
        "zip_absolute_entry.pth | zip entry name '/etc/cron.d/x' is a path outside the archive; refused",
        "zip_without_pickle.pth | zip file without a data.pkl entry: not a PyTorch file",
        // safetensors headers that lie
        "st_overlap.safetensors | keys a [0, 16] and b [8, 24] overlap in the data area",
        "st_out_of_range.safetensors | key a has data_offsets [0, 64] outside the data area of 16 bytes",
        "st_size_mismatch.safetensors | key a with shape [3, 3] and dtype F32 needs 36 bytes but data_offsets [0, 16] span 16",
        "st_huge_shape.safetensors | key a has shape [1099511627776, 1099511627776] whose element count overflows",
        "st_negative_dim.safetensors | key a has an invalid shape [-4]",
        "st_reversed_offsets.safetensors | key a has data_offsets [16, 8] outside the data area of 16 bytes",
        "st_header_too_long.safetensors | safetensors header length 1099511627776 does not fit in the file of 73 bytes",
        "st_header_not_json.safetensors | safetensors header is not valid JSON",
        "st_duplicate_key.safetensors | safetensors header is not valid JSON: Duplicate field 'a'",
        // ONNX
        "onnx_raw_size_mismatch.onnx | key w with shape [4, 4] needs 64 bytes of raw_data but has 12",
        "onnx_float_count_mismatch.onnx | key w with shape [2, 3] has 2 values in float_data, expected 6",
        "onnx_external_data.onnx | initializer w keeps its data in an external file; not supported",
        "onnx_huge_dims.onnx | key w has shape [1099511627776, 1099511627776] whose element count overflows",
        // written against the readers while fuzzing them (make_fuzz_seeds.py)
        "stride_zero.pth | key features.0.weight with shape [1000000000] and strides [0] has 1000000000 elements but its storage holds only 1 (overlapping views are not supported)",
        "pickle_long_text_int.pth | integer of more than 4300 digits, which a state_dict never holds",
        "pickle_long4_huge_int.pth | integer of more than 1786 bytes, which a state_dict never holds",
    })
    void committedCorpus(String file, String expected) {
        String m = errorOf(Fixtures.path("malformed/" + file));
        assertTrue(m.startsWith(expected.trim()), "got: " + m);
    }

    @ParameterizedTest(name = "{0} cut to {1} bytes")
    @CsvSource(delimiter = '|', value = {
        "tiny_zip.pth | 2 | unrecognized format",
        "tiny_zip.pth | 56 | truncated or corrupt zip archive",
        "tiny_zip.pth | 2823 | truncated or corrupt zip archive",
        "tiny_zip.pth | -1 | truncated or corrupt zip archive",
        "tiny_legacy.pth | 37 | truncated pickle: a string or bytes of length 16 runs past the end",
        "tiny_legacy.pth | 375 | truncated pickle: a string or bytes of length 9 runs past the end",
        "tiny_legacy.pth | 1126 | truncated legacy PyTorch file",
        "tiny_legacy.pth | -4 | truncated: storage",
        "tiny.safetensors | 1 | truncated safetensors file (1 bytes, no header length)",
        "tiny.safetensors | 29 | safetensors header length 1048 does not fit in the file of 29 bytes",
        "tiny.safetensors | 1496 | key features.0.weight has data_offsets [0, 540] outside the data area of 440 bytes",
        "tiny.safetensors | -3 | key scalar.temperature has data_offsets [1932, 1936] outside the data area of 1933 bytes",
        "tiny_torchvision.onnx | 25 | not a valid ONNX model: truncated protobuf",
        "tiny_torchvision.onnx | -1 | not a valid ONNX model: truncated protobuf",
        "typed_fields.onnx | 0 | empty file",
    })
    void truncated(String file, int length, String expected) throws IOException {
        byte[] b = Files.readAllBytes(Fixtures.path(file));
        int n = length < 0 ? b.length + length : length;
        Path p = tmp.resolve("cut" + n + "_" + file);
        Files.write(p, Arrays.copyOf(b, n));
        String m = errorOf(p);
        assertTrue(m.startsWith(expected.trim()), "got: " + m);
    }

    @Test
    void flippedByteInZipStorageFailsCrc() throws Exception {
        // Find features.0.weight[0] inside the zip (torch names the archive folder after the file) and flip a bit: the CRC catches it.
        float first = Fixtures.expected("tiny_expected.json").get("features.0.weight").values()[0];
        byte[] b = Files.readAllBytes(Fixtures.path("tiny_zip.pth"));
        int at = indexOf(b, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(first).array());
        assertTrue(at > 0);
        b[at] ^= 0x01;
        String m = errorOf(write("flip_storage.pth", b));
        assertEquals("zip entry tiny_zip/data/0 fails its CRC check: the file is corrupt", m);
    }

    @Test
    void flippedByteInZipPickleFailsCrc() throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.path("tiny_zip.pth"));
        b[indexOf(b, "HalfStorage".getBytes(StandardCharsets.US_ASCII)) + 2] ^= 0x20;
        assertEquals("zip entry tiny_zip/data.pkl fails its CRC check: the file is corrupt", errorOf(write("flip_pickle.pth", b)));
    }

    @Test
    void flippedByteInLegacyPickleIsARefusedGlobal() throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.path("tiny_legacy.pth"));
        b[indexOf(b, "DoubleStorage".getBytes(StandardCharsets.US_ASCII))] ^= 0x20;
        String m = errorOf(write("flip_legacy.pth", b));
        assertTrue(m.startsWith("pickle refers to global torch.doubleStorage, which a state_dict never needs"), m);
    }

    @Test
    void flippedByteInSafetensorsHeader() throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.path("tiny.safetensors"));
        b[indexOf(b, "data_offsets".getBytes(StandardCharsets.US_ASCII))] ^= 0x20;
        String m = errorOf(write("flip_header.safetensors", b));
        assertTrue(m.matches("key \\S+ lacks dtype, shape or a data_offsets pair"), m);
        byte[] c = Files.readAllBytes(Fixtures.path("tiny.safetensors"));
        c[8] ^= (byte) 0xff; // the JSON's opening brace
        assertTrue(errorOf(write("flip_brace.safetensors", c)).startsWith("safetensors header is not valid JSON"));
    }

    @Test
    void flippedFirstByteOfOnnxIsUnrecognized() throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.path("tiny_torchvision.onnx"));
        b[0] ^= (byte) 0xff;
        assertEquals("unrecognized format (not a PyTorch zip or legacy .pth, safetensors or ONNX file)",
                errorOf(write("flip.onnx", b)));
    }

    @Test
    void hugeStringLengthInPickleIsNotAllocated() throws Exception {
        // BINUNICODE claiming 2 GiB - 1 bytes: must be refused before anything is allocated.
        byte[] pkl = {(byte) 0x80, 2, 'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 'a', '.'};
        assertEquals("truncated pickle: a string or bytes of length 2147483647 runs past the end",
                errorOf(zipWithPickle("huge_string.pth", pkl)));
    }

    @Test
    void reduceOnAStorageClassIsRefused() throws Exception {
        // torch.FloatStorage is allowed as a name for persistent ids, but calling it would build an object.
        byte[] pkl = ("\u0080\u0002ctorch\nFloatStorage\n)R.").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("corrupt pickle (ClassCastException in the unpickler)", errorOf(zipWithPickle("call_storage.pth", pkl)));
    }

    @Test
    void buildOnAPlainDictIsRefused() throws Exception {
        byte[] pkl = ("\u0080\u0002}}b.").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("BUILD on a dict is not allowed in a state_dict", errorOf(zipWithPickle("build.pth", pkl)));
    }

    /** Pickles that broke the unpickler under fuzzing (kept in UnpicklerFuzzTestInputs, replayed there too), as a .pth's data.pkl. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "finding_stack_underflow.pkl | corrupt pickle (IndexOutOfBoundsException in the unpickler)",
        "finding_dict_contains_itself_as_key.pkl | corrupt pickle: a dict used as a dict key or set element (unhashable in Python)",
        "crafted_model_contains_itself.pkl | the pickle nests 'state_dict'/'model' dicts more than 4 deep, not a checkpoint",
    })
    void fuzzFindingsInPickles(String file, String expected) throws IOException {
        byte[] pkl;
        try (var in = MalformedWeightsTest.class.getResourceAsStream("UnpicklerFuzzTestInputs/readsOrRefuses/" + file)) {
            pkl = in.readAllBytes();
        }
        assertEquals(expected.trim(), errorOf(zipWithPickle(file + ".pth", pkl)));
    }

    /** Files that broke a reader under fuzzing, kept in its fuzz test's inputs (which replay them too). */
    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "PyTorchZipFuzzTest | finding_zstd_entry.pth | zip entry archive/data.pkl uses compression method 20; PyTorch writes entries uncompressed",
    })
    void fuzzFindings(String test, String file, String expected) throws Exception {
        Path p = Path.of(MalformedWeightsTest.class.getResource(test + "Inputs/readsOrRefuses/" + file).toURI());
        String m = errorOf(p);
        assertTrue(m.startsWith(expected.trim()), "got: " + m);
    }

    @Test
    void missingFile() {
        Path p = tmp.resolve("nope.pth");
        assertEquals("no such file", errorOf(p));
    }

    @AfterAll
    static void nothingWasExecuted() {
        assertFalse(Files.exists(Path.of(MARKER)), "a hostile pickle ran code");
        assertFalse(Files.exists(Fixtures.path("malformed").resolve(MARKER)), "a hostile pickle ran code");
    }

    private Path write(String name, byte[] b) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    private Path zipWithPickle(String name, byte[] pickle) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(pickle);
            z.closeEntry();
        }
        return write(name, bo.toByteArray());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }
}
