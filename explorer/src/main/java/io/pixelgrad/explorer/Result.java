package io.pixelgrad.explorer;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * A computed answer as the server keeps it: the JSON the page receives and, for attributions, the raw array behind
 * it (offered as a .npy download).
 *
 * @param json     the answer's UTF-8 JSON
 * @param raw      the raw values, row-major, or null
 * @param rawShape the raw array's shape, or null
 * @param rawType  the data type the raw array was computed in, or null
 */
record Result(byte[] json, double[] raw, long[] rawShape, DataType rawType) {

    /** A JSON-only answer. */
    static Result of(byte[] json) {
        return new Result(json, null, null, null);
    }

    /** About how much memory the answer holds, for the cache's budget. */
    long bytes() {
        return json.length + (raw == null ? 0 : 8L * raw.length) + 64;
    }
}
