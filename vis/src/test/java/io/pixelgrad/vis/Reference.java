package io.pixelgrad.vis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One PyTorch reference case of make_vis_reference.py: its model, input, manifest and expected arrays. */
final class Reference {

    /** Where the committed fixtures are (relative to the vis module, Surefire's working directory). */
    static final Path DIR = Path.of("src/test/resources/vis-reference");

    /** The worst relative error reached per method, printed after the tests (the numbers quoted in reports). */
    static final Map<String, Double> WORST = new TreeMap<>();

    final Path dir;
    final JsonNode manifest;
    final Classifier model;
    final INDArray x;

    Reference(Path dir) throws Exception {
        this.dir = dir;
        this.manifest = new ObjectMapper().readTree(Files.readString(dir.resolve("manifest.json")));
        // small cases carry their weights; full-size ones point at the shared weights file
        Path weights = dir.resolve(manifest.has("weights") ? manifest.get("weights").asText() : "weights.pth");
        this.model = Files.exists(weights) ? ModelLoader.load(manifest.get("architecture").asText(), weights) : null;
        this.x = Npy.read(dir.resolve("x.npy"));
    }

    static Reference load(String name) throws Exception {
        return new Reference(DIR.resolve(name));
    }

    float[] expected(String file) throws IOException {
        return Passes.floats(Npy.read(dir.resolve(file.endsWith(".npy") ? file : file + ".npy")));
    }

    long[] expectedShape(String file) throws IOException {
        return Npy.read(dir.resolve(file + ".npy")).shape();
    }

    /**
     * Asserts max|actual - expected| / max|expected| <= tolerance (the error relative to the array's scale, so values
     * near zero in a map are judged by the map's size), records the worst error per method, and returns it.
     */
    static double assertClose(String method, float[] actual, float[] expected, double tolerance) {
        assertArrayEquals(new int[]{expected.length}, new int[]{actual.length}, method + ": length");
        double maxDiff = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertTrue(scale > 0, method + ": the reference is all zeros, so it tests nothing");
        double rel = maxDiff / scale;
        synchronized (WORST) {
            WORST.merge(method, rel, Math::max);
        }
        assertTrue(rel <= tolerance, method + ": relative error " + rel + " > " + tolerance);
        return rel;
    }
}
