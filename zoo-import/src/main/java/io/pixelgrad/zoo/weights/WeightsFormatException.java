package io.pixelgrad.zoo.weights;

/** A weights file that cannot be read or does not fit: the one-line message names the file and, where known, the key and shapes. */
public class WeightsFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates an error with a one-line message. */
    public WeightsFormatException(String message) {
        super(oneLine(message));
    }

    /** Creates an error with a one-line message and the low-level cause (kept for debugging, never shown to users). */
    public WeightsFormatException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    // Messages may quote names taken from a hostile file: keep them on one line so CLI output stays one line.
    private static String oneLine(String message) {
        return message == null ? "invalid weights file" : message.replace('\n', ' ').replace('\r', ' ');
    }
}
