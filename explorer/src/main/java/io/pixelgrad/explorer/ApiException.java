package io.pixelgrad.explorer;

/** A request the explorer refuses, with the HTTP status and the one-line message the page shows. */
class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status code to answer with. */
    private final int status;

    /** A refusal with its status (400 bad request, 404 unknown id, 413 too large, 415 not an image, 503 busy...). */
    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status code to answer with. */
    public int status() {
        return status;
    }

    /** 503: the work queue is full; the page says so and the user tries again. */
    public static ApiException busy(String what) {
        return new ApiException(503, "busy: " + what + "; try again in a moment");
    }
}
