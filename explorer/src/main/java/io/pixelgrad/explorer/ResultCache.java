package io.pixelgrad.explorer;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Answers by key (model, image, view or method, parameters), bounded by total size with the least recently used
 * dropped first. A computation in progress is shared: fifty clients asking for the same map start one computation.
 * Failures are not kept, so asking again retries.
 */
final class ResultCache {

    /** A lookup: the answer to wait for, and whether it was already there. */
    record Lookup(CompletableFuture<Result> future, boolean hit) {
    }

    private final long maxBytes;
    private final LinkedHashMap<String, Result> done = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<String, CompletableFuture<Result>> running = new HashMap<>();
    private long bytes;

    /** A cache holding answers of at most maxBytes in total. */
    ResultCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The kept answer for a key, or null. */
    synchronized Result peek(String key) {
        return done.get(key);
    }

    /**
     * The answer for a key: kept, being computed, or computed now on the given lane (503 busy when the lane is full;
     * every caller waiting on that same computation then gets the same refusal).
     */
    Lookup get(String key, WorkQueue lane, Callable<Result> compute) {
        CompletableFuture<Result> f;
        synchronized (this) {
            Result r = done.get(key);
            if (r != null) return new Lookup(CompletableFuture.completedFuture(r), true);
            f = running.get(key);
            if (f != null) return new Lookup(f, false);
            f = new CompletableFuture<>();
            running.put(key, f);
        }
        CompletableFuture<Result> mine = f;
        try {
            lane.submit(() -> {
                try {
                    Result r = compute.call();
                    put(key, r);
                    mine.complete(r);
                } catch (Throwable t) {
                    forget(key);
                    mine.completeExceptionally(t);
                }
                return null;
            });
        } catch (RuntimeException refused) {
            forget(key);
            mine.completeExceptionally(refused);
            throw refused;
        }
        return new Lookup(mine, false);
    }

    /** Keeps an answer computed elsewhere (a finished job). */
    synchronized void put(String key, Result r) {
        running.remove(key);
        if (r.bytes() > maxBytes) return;
        Result old = done.put(key, r);
        if (old != null) bytes -= old.bytes();
        bytes += r.bytes();
        for (Iterator<Result> it = done.values().iterator(); bytes > maxBytes && it.hasNext(); ) {
            bytes -= it.next().bytes();
            it.remove();
        }
    }

    private synchronized void forget(String key) {
        running.remove(key);
    }

    /** Bytes held (for tests and the status line). */
    synchronized long size() {
        return bytes;
    }
}
