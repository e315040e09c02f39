package io.pixelgrad.cli;

/** A mistake in what the user asked for (a bad option value, an impossible combination): printed as one line, exit 1. */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the error with its one-line message. */
    public UserException(String message) {
        super(message);
    }

    /** Creates the error with its one-line message and the cause (shown with --debug only). */
    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
