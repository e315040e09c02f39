package io.pixelgrad.zoo.weights;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Finds the fixtures written by src/test/python/make_weight_fixtures.py and loads the values PyTorch recorded. */
final class Fixtures {
    private Fixtures() {
    }

    /** One tensor as PyTorch holds it: float32 values, and float64 values (stored values widened exactly). */
    record Expected(long[] shape, WeightDType dtype, float[] values, double[] values64) {
    }

    /** Path of a fixture under test resources weights/. */
    static Path path(String name) {
        URL u = Fixtures.class.getResource("/weights/" + name);
        if (u == null) {
            throw new IllegalStateException("missing fixture weights/" + name + "; run make_weight_fixtures.py");
        }
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The expected tensors of a *_expected.json file, in PyTorch's state_dict order. */
    static Map<String, Expected> expected(String name) throws IOException {
        JsonNode root = new ObjectMapper().readTree(path(name).toFile());
        Map<String, Expected> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue().get("shape");
            long[] shape = new long[s.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = s.get(i).asLong();
            }
            JsonNode v = e.getValue().get("values");
            float[] values = new float[v.size()];
            for (int i = 0; i < values.length; i++) {
                // JSON holds the float32 value widened to double (exact); narrowing it back is exact too.
                values[i] = (float) v.get(i).asDouble();
            }
            JsonNode v64 = e.getValue().get("values64");
            double[] values64 = new double[v64.size()];
            for (int i = 0; i < values64.length; i++) {
                // Python writes the shortest repr that parses back to the same double: exact.
                values64[i] = v64.get(i).asDouble();
            }
            out.put(e.getKey(), new Expected(shape, WeightDType.valueOf(e.getValue().get("dtype").asText()), values, values64));
        }
        return out;
    }
}
