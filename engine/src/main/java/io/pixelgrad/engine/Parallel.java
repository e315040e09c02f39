package io.pixelgrad.engine;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs the Java kernels' loops on as many threads as ND4J uses (OMP_NUM_THREADS, else the number of cores). Work is
 * split into fixed, disjoint index ranges, so results never depend on thread timing.
 */
public final class Parallel {

    private static final int THREADS = threads();
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    private Parallel() {
    }

    private static int threads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        try {
            if (omp != null && !omp.isBlank()) return Math.max(1, Integer.parseInt(omp.trim()));
        } catch (NumberFormatException ignored) {
            // fall through to the number of cores
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Calls body(i) for i in [0, count), spread over the threads; each i runs exactly once. */
    public static void forEach(int count, IntConsumer body) {
        if (POOL == null || count < 2) {
            for (int i = 0; i < count; i++) body.accept(i);
            return;
        }
        try {
            POOL.submit(() -> IntStream.range(0, count).parallel().forEach(body)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }

    /** Splits [0, total) into about one chunk per thread and calls body(from, to) for each. */
    public static void forRanges(long total, RangeBody body) {
        int chunks = (int) Math.max(1, Math.min(THREADS, total));
        forEach(chunks, k -> body.accept(total * k / chunks, total * (k + 1) / chunks));
    }

    /** Totals below this many elements run on the calling thread in {@link #forElements}. */
    private static final long ELEMENT_GRAIN = 32768;

    /**
     * {@link #forRanges} for loops in which every index is computed on its own (no sums across indices), so how they
     * are split never changes a result: totals below 32768 run on the calling thread, since waking the pool costs more
     * than such a loop (tens of microseconds, for a batch-1 layer's ReLU).
     */
    public static void forElements(long total, RangeBody body) {
        if (total < ELEMENT_GRAIN * 2) {
            if (total > 0) body.accept(0, total);
            return;
        }
        forRanges(total, body);
    }

    /** A loop body over [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes indices from (inclusive) to to (exclusive). */
        void accept(long from, long to);
    }
}
