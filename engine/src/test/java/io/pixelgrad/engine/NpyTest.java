package io.pixelgrad.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The .npy reader on files NumPy would refuse (found by zoo-import's NpyFuzzTest or written against the reader): each
 * is an IOException with a one-line message naming the file and the problem, and nothing the header claims is
 * allocated before the data is known to be there.
 */
class NpyTest {
    @TempDir
    Path dir;

    /** A version 1.0 .npy file with the given header dictionary and data bytes. */
    private Path npy(String name, String dict, int dataBytes) throws IOException {
        return npy(name, (byte) 1, dict, dataBytes);
    }

    private Path npy(String name, byte major, String dict, int dataBytes) throws IOException {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[10 + h.length + dataBytes];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', major, 0, (byte) h.length, (byte) (h.length >> 8)};
        System.arraycopy(magic, 0, b, 0, magic.length);
        System.arraycopy(h, 0, b, 10, h.length);
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        // the fuzzer's finding: IndexOutOfBoundsException before
        "short_u1.npy ; |u1 ; (7,) ; 6 ; shape (7,) of |u1 needs 7 bytes of data but 6 follow the header",
        "short_f4.npy ; <f4 ; (2, 3) ; 20 ; shape (2, 3) of <f4 needs 24 bytes of data but 20 follow the header",
        // a 100-byte file claiming 40 GB: ArithmeticException before, and an allocation attempt for anything under 2^31
        "huge.npy ; <f4 ; (100000, 100000) ; 0 ; shape (100000, 100000) is too large",
        "big.npy ; <f8 ; (100000000,) ; 8 ; shape (100000000,) of <f8 needs 800000000 bytes of data but 8 follow the header",
        "overflow.npy ; <f4 ; (4294967296, 4294967296) ; 0 ; shape (4294967296, 4294967296) is too large",
        "negative.npy ; <f4 ; (-3,) ; 0 ; negative dimension in shape -3,",
        "dtype.npy ; >f4 ; (1,) ; 4 ; unsupported dtype >f4",
    })
    void refusedWithOneLine(String name, String descr, String shape, int dataBytes, String expected) throws IOException {
        Path p = npy(name, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", dataBytes);
        IOException e = assertThrows(IOException.class, () -> Npy.read(p));
        assertEquals(p + ": not a valid .npy file (" + expected + ")", e.getMessage());
    }

    @Test
    void unknownVersionAndCutHeaderAreRefused() throws IOException {
        Path v9 = npy("v9.npy", (byte) 9, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);
        assertEquals(v9 + ": not a valid .npy file (unsupported format version 9)",
                assertThrows(IOException.class, () -> Npy.read(v9)).getMessage());
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) 200, 0, '{'});
        assertEquals(cut + ": not a valid .npy file (header past end)", assertThrows(IOException.class, () -> Npy.read(cut)).getMessage());
    }

    @Test
    void everyDtypeRoundTripsIncludingEmptyArrays() throws IOException {
        for (DataType t : new DataType[]{DataType.FLOAT, DataType.DOUBLE, DataType.LONG, DataType.INT}) {
            INDArray a = Nd4j.arange(6).castTo(t).reshape(2, 3);
            Path p = dir.resolve(t + ".npy");
            Npy.write(a, p);
            INDArray b = Npy.read(p);
            assertEquals(t, b.dataType());
            assertArrayEquals(a.shape(), b.shape());
            assertEquals(a, b);
            Path e = npy("empty_" + t + ".npy", "{'descr': '" + (t == DataType.FLOAT ? "<f4" : t == DataType.DOUBLE ? "<f8"
                    : t == DataType.LONG ? "<i8" : "<i4") + "', 'fortran_order': False, 'shape': (0, 3), }", 0);
            assertArrayEquals(new long[]{0, 3}, Npy.read(e).shape());
        }
        Path u1 = npy("u1.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", 3);
        assertEquals(DataType.INT, Npy.read(u1).dataType());
    }
}
