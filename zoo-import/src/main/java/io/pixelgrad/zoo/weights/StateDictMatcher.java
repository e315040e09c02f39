package io.pixelgrad.zoo.weights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compares a state_dict with the parameters a model expects and says, one line per problem, what does not fit. */
public final class StateDictMatcher {
    private final Map<String, long[]> expected = new LinkedHashMap<>();

    /** Starts with no expected parameters. */
    public StateDictMatcher() {
    }

    /** Adds an expected parameter; returns this for chaining. */
    public StateDictMatcher expect(String name, long... shape) {
        expected.put(name, shape.clone());
        return this;
    }

    /** Adds all of {@code params} (name -> shape), keeping their order. */
    public StateDictMatcher expectAll(Map<String, long[]> params) {
        params.forEach(this::expect);
        return this;
    }

    /** Every mismatch as one line each: missing keys, shape mismatches (in the model's order), then unexpected keys. */
    public List<String> problems(StateDict sd) {
        String w = "weights " + sd.source();
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            WeightTensor t = sd.get(e.getKey());
            if (t == null) {
                out.add(w + ": missing key " + e.getKey() + " (the model expects shape " + Arrays.toString(e.getValue()) + ")");
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                out.add(w + ": key " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", the model expects " + Arrays.toString(e.getValue()));
            }
        }
        for (WeightTensor t : sd.tensors().values()) {
            if (!expected.containsKey(t.name())) {
                out.add(w + ": unexpected key " + SafeUnpickler.printable(t.name()) + " with shape "
                        + Arrays.toString(t.shape()));
            }
        }
        return out;
    }

    /**
     * Throws a {@link WeightsFormatException} carrying the first problem (and how many more) if anything does not fit.
     *
     * @throws WeightsFormatException if any key is missing, unexpected or of the wrong shape
     */
    public void check(StateDict sd) throws WeightsFormatException {
        List<String> p = problems(sd);
        if (!p.isEmpty()) {
            throw new WeightsFormatException(p.get(0) + (p.size() > 1 ? " (and " + (p.size() - 1) + " more problems)" : ""));
        }
    }
}
