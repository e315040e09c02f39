package io.pixelgrad.zoo.weights;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The tensors of a weights file in file order, by state_dict key.
 *
 * <p>Tensors are views on read-only memory-mapped regions of the file, converted to float32 only when asked.
 * The file channel is closed as soon as the mapping is made (a mapping stays valid after its channel is
 * closed), so there is nothing to release: Java 17 cannot unmap portably, and the pages are returned when the
 * garbage collector drops the last tensor. {@link #close()} exists so callers can write try-with-resources
 * and so a later version can unmap deterministically without changing call sites; it drops the references.
 */
public final class StateDict implements AutoCloseable {
    private final Path source;
    private final Map<String, WeightTensor> tensors;

    /** Wraps tensors read from {@code source} (kept in the order given). */
    public StateDict(Path source, Map<String, WeightTensor> tensors) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The file the tensors came from. */
    public Path source() {
        return source;
    }

    /** The tensor for a key, or null if absent. */
    public WeightTensor get(String key) {
        return tensors.get(key);
    }

    /**
     * The tensor for a key, or a {@link WeightsFormatException} naming the file and key.
     *
     * @throws WeightsFormatException if the key is absent
     */
    public WeightTensor require(String key) throws WeightsFormatException {
        WeightTensor t = tensors.get(key);
        if (t == null) {
            throw new WeightsFormatException("weights " + source + ": missing key " + key);
        }
        return t;
    }

    /** The keys in file order. */
    public Set<String> keys() {
        return tensors.keySet();
    }

    /** Read-only view of all tensors in file order. */
    public Map<String, WeightTensor> tensors() {
        return tensors;
    }

    /** Number of tensors. */
    public int size() {
        return tensors.size();
    }

    /** Drops nothing observable today (see the class comment); kept for try-with-resources. */
    @Override
    public void close() {
        // Mapped regions are released by the GC once the tensors are unreachable.
    }
}
