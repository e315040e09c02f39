package io.pixelgrad.zoo.weights;

import java.nio.file.Path;

/** Reads one weights file format into a {@link StateDict}. */
public interface WeightsReader {
    /**
     * Reads every tensor of {@code file}; any problem, including hostile content, is a {@link WeightsFormatException}.
     *
     * @throws WeightsFormatException if the file is unreadable, damaged or refused
     */
    StateDict read(Path file) throws WeightsFormatException;
}
