package io.pixelgrad.vis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One PyTorch reference case of make_vis_reference.py in one data type: its model (computing in that type), input,
 * manifest and expected arrays (float32 ones at the top of the case, float64 ones under float64/).
 */
final class Reference {

    /** Where the committed fixtures are (relative to the vis module, Surefire's working directory). */
    static final Path DIR = Path.of("src/test/resources/vis-reference");

    /** The worst relative error reached per method, printed after the tests (the numbers quoted in reports). */
    static final Map<String, Double> WORST = new TreeMap<>();

    final Path dir;
    final DataType dataType;
    final JsonNode manifest;
    final Classifier model;
    final INDArray x;

    Reference(Path dir, DataType dataType) throws Exception {
        this.dir = dir;
        this.dataType = dataType;
        this.manifest = new ObjectMapper().readTree(Files.readString(dir.resolve("manifest.json")));
        // small cases carry their weights; full-size ones point at the shared weights file
        Path weights = dir.resolve(manifest.has("weights") ? manifest.get("weights").asText() : "weights.pth");
        this.model = Files.exists(weights) ? ModelLoader.load(manifest.get("architecture").asText(), weights, dataType) : null;
        INDArray x32 = Npy.read(dir.resolve("x.npy"));
        this.x = x32.castTo(dataType);
    }

    static Reference load(String name, DataType dataType) throws Exception {
        return new Reference(DIR.resolve(name), dataType);
    }

    /** The error bound of this data type: {@link ReferenceTest#TOL} in float32, {@link ReferenceTest#TOL64} in float64. */
    double tolerance() {
        return dataType == DataType.DOUBLE ? ReferenceTest.TOL64 : ReferenceTest.TOL;
    }

    /** An input array the reference shares between data types (noise, inputs), widened exactly for float64. */
    double[] shared(String file) throws IOException {
        return Passes.values(Npy.read(dir.resolve(file + ".npy")));
    }

    /** An expected output in this reference's data type. */
    double[] expected(String file) throws IOException {
        INDArray a = Npy.read(outputs().resolve(file.endsWith(".npy") ? file : file + ".npy"));
        assertEquals(dataType, a.dataType(), file + ": the fixture's data type");
        return Passes.values(a);
    }

    long[] expectedShape(String file) throws IOException {
        return Npy.read(outputs().resolve(file + ".npy")).shape();
    }

    private Path outputs() {
        return dataType == DataType.DOUBLE ? dir.resolve("float64") : dir;
    }

    /** A label for reports: the method with " f64" for float64. */
    String label(String method) {
        return dataType == DataType.DOUBLE ? method + " f64" : method;
    }

    /**
     * Asserts max|actual - expected| / max|expected| <= tolerance (the error relative to the array's scale, so values
     * near zero in a map are judged by the map's size), records the worst error per method, and returns it.
     */
    static double assertClose(String method, double[] actual, double[] expected, double tolerance) {
        assertArrayEquals(new int[]{expected.length}, new int[]{actual.length}, method + ": length");
        double maxDiff = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertTrue(scale > 0, method + ": the reference is all zeros, so it tests nothing");
        double rel = maxDiff / scale;
        synchronized (WORST) {
            WORST.merge(method, rel, Math::max);
        }
        assertTrue(rel <= tolerance, method + ": relative error " + rel + " > " + tolerance);
        assertTrue(!Double.isNaN(rel), method + ": NaN");
        return rel;
    }
}
