package io.pixelgrad.autograd.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.Supplier;

/**
 * How new modules allocate their weight arrays: zero-filled (the default), or uninitialized for a caller that will
 * overwrite every value at once (weight loading), which saves writing hundreds of megabytes twice. The choice is
 * confined to the calling thread and to the duration of one {@link #uninitialized} call.
 */
public final class Allocation {

    private static final ThreadLocal<Boolean> UNINITIALIZED = ThreadLocal.withInitial(() -> false);

    private Allocation() {
    }

    /** Builds modules whose weight arrays are left uninitialized; the caller must write every value before use. */
    public static <T> T uninitialized(Supplier<T> build) {
        boolean before = UNINITIALIZED.get();
        UNINITIALIZED.set(true);
        try {
            return build.get();
        } finally {
            UNINITIALIZED.set(before);
        }
    }

    /** A new weight array: zeros, or uninitialized inside {@link #uninitialized}. */
    static INDArray weights(DataType type, long... shape) {
        return UNINITIALIZED.get() ? Nd4j.createUninitialized(type, shape) : Nd4j.zeros(type, shape);
    }
}
