package io.pixelgrad.zoo.models;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.weights.SafetensorsFiles;
import io.pixelgrad.zoo.weights.WeightsFormatException;
import io.pixelgrad.zoo.weights.WeightsReaders;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trained model needs besides its weights to be used correctly: its class names, how images become its input
 * (normalization preset, channels, size) and where it came from. pixelgrad stores it in the {@code __metadata__} of the
 * safetensors files it writes ("pixelgrad.*" keys), so a model trained with {@code pixelgrad train} explains itself
 * with the right preprocessing and class names.
 *
 * @param architecture  architecture name, e.g. "smallvgg"
 * @param classes       class names by index
 * @param normalization how 8-bit samples become input
 * @param channels      input channels (1: grey)
 * @param side          input height and width in pixels
 * @param facts         anything else worth keeping (data set, accuracy, epochs, seed), as text
 */
public record ModelCard(String architecture, List<String> classes, Normalization normalization, int channels, int side,
                        Map<String, String> facts) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "pixelgrad.";

    /** Checks the values. */
    public ModelCard {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("a model's input has 1 or 3 channels, not " + channels);
        if (side < 1) throw new IllegalArgumentException("input side must be positive");
        classes = List.copyOf(classes);
        facts = Map.copyOf(facts);
    }

    /** The preprocessing for this model's input: shorter side resized to the input size, centre crop, its normalization. */
    public Preprocessing preprocessing() {
        return new Preprocessing(side, side, normalization, channels == 1);
    }

    /** As safetensors metadata. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "architecture", architecture);
        try {
            m.put(PREFIX + "classes", JSON.writeValueAsString(classes));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        m.put(PREFIX + "normalization", normalization.id());
        m.put(PREFIX + "input", channels + "x" + side + "x" + side);
        facts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> m.put(PREFIX + e.getKey(), e.getValue()));
        return m;
    }

    /**
     * The card in safetensors metadata, or null when the metadata has none (weights from elsewhere).
     *
     * @throws WeightsFormatException if the metadata has a card but a damaged one
     */
    public static ModelCard fromMetadata(Map<String, String> m) throws WeightsFormatException {
        if (!m.containsKey(PREFIX + "architecture")) return null;
        try {
            List<String> classes = JSON.readValue(m.get(PREFIX + "classes"), new TypeReference<>() { });
            String[] input = m.get(PREFIX + "input").split("x");
            Map<String, String> facts = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (k.startsWith(PREFIX) && !List.of("architecture", "classes", "normalization", "input").contains(k.substring(PREFIX.length())))
                    facts.put(k.substring(PREFIX.length()), v);
            });
            return new ModelCard(m.get(PREFIX + "architecture"), classes, Normalization.of(m.get(PREFIX + "normalization")),
                    Integer.parseInt(input[0]), Integer.parseInt(input[1]), facts);
        } catch (IOException | RuntimeException e) {
            throw new WeightsFormatException("damaged pixelgrad model description in the weights' metadata (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The card of a weights file: from a safetensors file's metadata; null for other files or files without one.
     *
     * @throws WeightsFormatException if the file is unreadable or its card is damaged
     */
    public static ModelCard read(Path weights) throws WeightsFormatException {
        if (WeightsReaders.detect(weights) != WeightsReaders.Format.SAFETENSORS) return null;
        return fromMetadata(SafetensorsFiles.readMetadata(weights));
    }

    /**
     * The index of a class given as a number ("9") or a name ("ankle boot", any case, or a start that only one name
     * has); otherwise a one-line error listing the classes.
     *
     * @throws io.pixelgrad.zoo.labels.UnknownClassException if no class or more than one class matches
     */
    public int resolveClass(String query) throws io.pixelgrad.zoo.labels.UnknownClassException {
        String q = query == null ? "" : query.strip();
        if (q.matches("[0-9]{1,9}")) {
            int i = Integer.parseInt(q);
            if (i < classes.size()) return i;
            throw new io.pixelgrad.zoo.labels.UnknownClassException("class " + q + " out of range: the model has "
                    + classes.size() + " classes");
        }
        String lower = q.toLowerCase(java.util.Locale.ROOT);
        int prefix = -1, prefixes = 0;
        for (int i = 0; i < classes.size(); i++) {
            String c = classes.get(i).toLowerCase(java.util.Locale.ROOT);
            if (c.equals(lower)) return i;
            if (!lower.isEmpty() && c.startsWith(lower)) {
                prefix = i;
                prefixes++;
            }
        }
        if (prefixes == 1) return prefix;
        StringBuilder known = new StringBuilder();
        for (int i = 0; i < classes.size(); i++) known.append(i == 0 ? "" : ", ").append(i).append(' ').append(classes.get(i));
        throw new io.pixelgrad.zoo.labels.UnknownClassException((prefixes > 1 ? "class name '" + q + "' is ambiguous" : "unknown class '" + q + "'")
                + "; this model's classes: " + known);
    }

    /** The name of class i (or "class i" beyond the list). */
    public String className(int i) {
        return i >= 0 && i < classes.size() ? classes.get(i) : "class " + i;
    }
}
