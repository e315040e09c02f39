package io.pixelgrad.zoo.load;

import java.util.List;

/**
 * What a weights file looks like: the architecture whose state_dict keys it has, its number of classes and width
 * divisor (1 for the real networks), and the problems left when its shapes are compared with that architecture
 * (empty when everything fits).
 *
 * @param name          an architecture name from {@code Architectures.NAMES}, or null when no key layout fits
 * @param numClasses    outputs of the last layer, read from the file
 * @param widthDivisor  every width of the architecture divided by this (1: the full-size network)
 * @param problems      one line per mismatch (missing or unexpected key, shape), first problems first
 */
public record ArchitectureMatch(String name, int numClasses, int widthDivisor, List<String> problems) {

    /** Whether the file fits the architecture exactly. */
    public boolean exact() {
        return name != null && problems.isEmpty();
    }

    /** A short description, e.g. "vgg16 (1000 classes)" or "alexnet/16 (10 classes)". */
    public String label() {
        if (name == null) return "no known architecture";
        return name + (widthDivisor == 1 ? "" : "/" + widthDivisor) + " (" + numClasses + " classes)";
    }
}
