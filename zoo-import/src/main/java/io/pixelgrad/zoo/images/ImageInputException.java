package io.pixelgrad.zoo.images;

/** An image file that cannot be used as network input; the one-line message names the file and what is wrong. */
public class ImageInputException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates an error with a one-line message. */
    public ImageInputException(String message) {
        super(message == null ? "invalid image" : message.replace('\n', ' ').replace('\r', ' '));
    }

    /** Creates an error with a one-line message and the decoder's exception (kept for --debug, never shown to users). */
    public ImageInputException(String message, Throwable cause) {
        this(message);
        initCause(cause);
    }
}
