package io.pixelgrad.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.engine.Npy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One PyTorch reference case written by src/test/python/make_reference.py: its manifest.json and the .npy arrays it
 * names. Arrays are read on demand; each call returns a fresh array the caller owns.
 */
final class Fixture {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final JsonNode manifest;

    private Fixture(Path dir) {
        this.dir = dir;
        try {
            this.manifest = JSON.readTree(dir.resolve("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every case of a group ("layers", "networks"), sorted by name. */
    static List<Fixture> all(String group) {
        return all("reference", group);
    }

    /** Every case of a group under another fixture root (e.g. "training", written by make_training_reference.py). */
    static List<Fixture> all(String fixtureRoot, String group) {
        Path root = root(fixtureRoot).resolve(group);
        try (Stream<Path> dirs = Files.list(root)) {
            List<Fixture> cases = new ArrayList<>();
            dirs.filter(d -> Files.isRegularFile(d.resolve("manifest.json"))).sorted().forEach(d -> cases.add(new Fixture(d)));
            if (cases.isEmpty()) throw new IllegalStateException("no reference cases under " + root);
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One case by group and name. */
    static Fixture load(String group, String name) {
        return load("reference", group, name);
    }

    /** One case by fixture root, group and name. */
    static Fixture load(String fixtureRoot, String group, String name) {
        return new Fixture(root(fixtureRoot).resolve(group).resolve(name));
    }

    private static Path root(String fixtureRoot) {
        URL url = Fixture.class.getResource("/" + fixtureRoot);
        if (url == null) throw new IllegalStateException("test resources have no " + fixtureRoot + "/ directory: run the script in src/test/python");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The case's name, e.g. "conv_3x3_p1". */
    String name() {
        return manifest.get("name").asText();
    }

    /** The operation, e.g. "conv2d" (the F function the case exercises). */
    String op() {
        return manifest.get("op").asText();
    }

    /** A parameter of the operation. */
    JsonNode param(String key) {
        JsonNode v = manifest.get("params").get(key);
        if (v == null) throw new IllegalArgumentException(name() + ": no parameter " + key);
        return v;
    }

    /** Whether the operation has this parameter. */
    boolean hasParam(String key) {
        return manifest.get("params").has(key);
    }

    /** A top-level manifest entry (e.g. a count the script recorded), or null. */
    JsonNode value(String key) {
        return manifest.get(key);
    }

    /** An int parameter. */
    int intParam(String key) {
        return param(key).asInt();
    }

    /** A double parameter. */
    double doubleParam(String key) {
        return param(key).asDouble();
    }

    /** An int-list parameter. */
    int[] intsParam(String key) {
        JsonNode n = param(key);
        int[] v = new int[n.size()];
        for (int i = 0; i < v.length; i++) v[i] = n.get(i).asInt();
        return v;
    }

    /** A string-list entry of the manifest (e.g. "inputs", "grads", "state_dict"). */
    List<String> strings(String key) {
        List<String> v = new ArrayList<>();
        manifest.get(key).forEach(n -> v.add(n.asText()));
        return v;
    }

    /** Whether the case has an array under this key. */
    boolean has(String key) {
        return manifest.get("arrays").has(key);
    }

    /** The shape PyTorch reported (empty for a 0-d tensor, which NumPy files give us as [1]). */
    long[] shape(String key) {
        JsonNode s = entry(key).get("shape");
        long[] shape = new long[s.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = s.get(i).asLong();
        return shape;
    }

    /**
     * Reads an array for a run in the given data type: the float64 reference output "f64/key" for DOUBLE, the plain
     * one for FLOAT.
     */
    INDArray output(String key, DataType type) {
        return array(type == DataType.DOUBLE ? "f64/" + key : key);
    }

    /** The shape of an output (the same in both data types). */
    long[] outputShape(String key) {
        return shape(key);
    }

    /** Reads an input array in the given data type (float32 values widen to float64 exactly). */
    INDArray input(String key, DataType type) {
        INDArray a = array(key);
        if (a.dataType() == type) return a;
        INDArray cast = a.castTo(type);
        a.close();
        return cast;
    }

    /** Reads an array (a new one each call). */
    INDArray array(String key) {
        try {
            return Npy.read(dir.resolve(entry(key).get("file").asText()).normalize());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode entry(String key) {
        JsonNode e = manifest.get("arrays").get(key);
        if (e == null) throw new IllegalArgumentException(name() + ": no array " + key);
        return e;
    }

    @Override
    public String toString() {
        return name();
    }
}
