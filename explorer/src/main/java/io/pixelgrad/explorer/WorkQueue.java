package io.pixelgrad.explorer;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lane of computation: a fixed number of worker threads and a queue of fixed length. When both are full a new task
 * is refused at once with a "busy" answer (HTTP 503) instead of piling up. Only a running task holds network-sized
 * arrays, so the workers bound the server's memory; the queue bounds how far behind the lane may fall.
 */
final class WorkQueue implements AutoCloseable {

    private final String name;
    private final ThreadPoolExecutor pool;

    /** A lane named for messages, with this many workers and at most this many tasks waiting. */
    WorkQueue(String name, int workers, int waiting) {
        this.name = name;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(1, waiting)), r -> {
            Thread t = new Thread(r, "pixelgrad-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Queues a task; 503 busy when the lane is full. */
    <T> Future<T> submit(Callable<T> task) {
        try {
            return pool.submit(task);
        } catch (RejectedExecutionException e) {
            throw ApiException.busy(pool.getActiveCount() + " " + name + " computations running and " + pool.getQueue().size() + " waiting");
        }
    }

    /** Drops cancelled tasks from the queue. */
    void purge() {
        pool.purge();
    }

    /** Tasks running or waiting. */
    int load() {
        return pool.getActiveCount() + pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
