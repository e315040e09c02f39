package io.pixelgrad.zoo.weights;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Turns whatever a parser threw on hostile input into one user-facing {@link WeightsFormatException}. */
final class Errors {
    private Errors() {
    }

    /** The prefix of every message about {@code file}. */
    static String where(Path file) {
        return "weights " + file;
    }

    /** Wraps {@code t}, thrown while reading {@code file} as {@code format}, keeping the user-facing part of its message. */
    static WeightsFormatException wrap(Path file, String format, Throwable t) {
        if (t instanceof WeightsFormatException) {
            return (WeightsFormatException) t;
        }
        String w = where(file);
        if (t instanceof SafeUnpickler.Refused) {
            return new WeightsFormatException(w + ": " + t.getMessage(), t);
        }
        if (t instanceof NoSuchFileException) {
            return new WeightsFormatException(w + ": no such file", t);
        }
        if (t instanceof EOFException || (t.getMessage() != null && t.getMessage().contains("premature end"))) {
            return new WeightsFormatException(w + ": truncated " + format + " file", t);
        }
        if (t instanceof StackOverflowError) {
            return new WeightsFormatException(w + ": corrupt " + format + " file (nesting too deep)", t);
        }
        String detail = t.getMessage() == null ? t.getClass().getSimpleName() : SafeUnpickler.printable(t.getMessage());
        if (t instanceof IOException) {
            return new WeightsFormatException(w + ": cannot read " + format + " file: " + detail, t);
        }
        return new WeightsFormatException(w + ": corrupt " + format + " file: " + detail, t);
    }
}
