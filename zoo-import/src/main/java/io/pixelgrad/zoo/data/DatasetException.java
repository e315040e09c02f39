package io.pixelgrad.zoo.data;

import java.io.IOException;

/** A data set that cannot be read: missing or corrupt files, counts that disagree. The message is one line. */
public class DatasetException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Creates an error with a one-line message. */
    public DatasetException(String message) {
        super(message == null ? "invalid data set" : message.replace('\n', ' ').replace('\r', ' '));
    }

    /** Creates an error with a one-line message and the low-level cause (for --debug). */
    public DatasetException(String message, Throwable cause) {
        this(message);
        initCause(cause);
    }
}
