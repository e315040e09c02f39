package io.pixelgrad.zoo.labels;

/** A class index or name that does not pick exactly one class; the one-line message lists close matches. */
public class UnknownClassException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates an error with a one-line message. */
    public UnknownClassException(String message) {
        super(message);
    }
}
