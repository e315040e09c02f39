package io.pixelgrad.zoo.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A safetensors file whose header length has 0x80 as its lowest byte starts with the byte a pickle starts with; it is
 * still read as safetensors (its byte 8 is the header's '{').
 */
class SafetensorsHeaderLengthTest {

    @Test
    void headerLengthEndingIn0x80IsStillSafetensors(@TempDir Path tmp) throws Exception {
        for (int pad = 0; pad < 64; pad++) {
            Map<String, INDArray> t = new LinkedHashMap<>();
            t.put("w", Nd4j.ones(2, 2));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            SafetensorsFiles.write(bytes, t, Map.of("note", "x".repeat(pad)));
            byte[] b = bytes.toByteArray();
            if ((b[0] & 0xff) != 0x80) continue;
            Path f = tmp.resolve("m.safetensors");
            Files.write(f, b);
            assertEquals(WeightsReaders.Format.SAFETENSORS, WeightsReaders.detect(f));
            assertEquals(Map.of("note", "x".repeat(pad)), SafetensorsFiles.read(f).metadata());
            return;
        }
        throw new AssertionError("no padding gave a header length ending in 0x80");
    }
}
