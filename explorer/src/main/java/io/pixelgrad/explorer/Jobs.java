package io.pixelgrad.explorer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Long work (occlusion, SmoothGrad, integrated gradients, feature visualization) as jobs the page can watch and
 * cancel. A job runs on the slow lane; its progress is what the vis method reports after each batch, and a cancel
 * takes effect at the next report (the method's batch loop ends by an exception, its tape closes, nothing leaks).
 * Two requests for the same key share one job; finished answers go to the result cache.
 */
final class Jobs {

    /** Where a job is. */
    enum State { QUEUED, RUNNING, DONE, FAILED, CANCELLED }

    /** What a watcher sees at one moment. */
    record Snapshot(String id, State state, long done, long total, Result result, String error, long version) {
        /** Whether nothing more will happen. */
        boolean finished() {
            return state == State.DONE || state == State.FAILED || state == State.CANCELLED;
        }
    }

    /** Reports progress to its job, and ends the computation (by an exception) once the job is cancelled. */
    interface Progress extends io.pixelgrad.vis.ProgressListener {
    }

    /** One piece of long work. */
    static final class Job {
        private final String id, key;
        private State state = State.QUEUED;
        private long done, total, version;
        private Result result;
        private String error;
        private volatile boolean cancelRequested;
        private Future<?> future;
        private WorkQueue lane;

        Job(String id, String key) {
            this.id = id;
            this.key = key;
        }

        /** The job's id (what the page watches and cancels). */
        String id() {
            return id;
        }

        synchronized void progress(long d, long t) {
            if (cancelRequested) throw new CancellationException("cancelled");
            state = State.RUNNING;
            done = d;
            total = t;
            changed();
        }

        synchronized void start() {
            if (cancelRequested) throw new CancellationException("cancelled");
            state = State.RUNNING;
            changed();
        }

        synchronized void finish(State s, Result r, String message) {
            if (state == State.DONE || state == State.FAILED || state == State.CANCELLED) return;
            state = s;
            result = r;
            error = message;
            changed();
        }

        /**
         * Asks the job to stop; true when it had not started (it never will, and is cancelled now). A running job
         * stops at its next progress report and is reported cancelled only then, once its computation has ended.
         */
        boolean cancel() {
            cancelRequested = true;
            synchronized (this) {
                if (state != State.QUEUED || future == null || !future.cancel(false)) return false;
            }
            finish(State.CANCELLED, null, null);
            return true;
        }

        synchronized Snapshot snapshot() {
            return new Snapshot(id, state, done, total, result, error, version);
        }

        /** Waits until the job changes after the given version (or the timeout passes) and returns what it is then. */
        synchronized Snapshot await(long seenVersion, long timeoutMillis) throws InterruptedException {
            long end = System.currentTimeMillis() + timeoutMillis;
            while (version == seenVersion && !finishedLocked()) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) break;
                wait(left);
            }
            return snapshot();
        }

        private boolean finishedLocked() {
            return state == State.DONE || state == State.FAILED || state == State.CANCELLED;
        }

        private void changed() {
            version++;
            notifyAll();
        }
    }

    private final AtomicLong counter = new AtomicLong();
    private final Map<String, Job> active = new HashMap<>();          // by key, while queued or running
    private final LinkedHashMap<String, Job> byId = new LinkedHashMap<>();
    private final int keepFinished;

    /** Jobs, remembering at most keepFinished finished ones for late watchers. */
    Jobs(int keepFinished) {
        this.keepFinished = keepFinished;
    }

    /**
     * The job for a key: the one already queued or running, or a new one on the lane (503 busy when the lane is full).
     * The work gets the job's progress listener; its result goes to the cache under the key.
     */
    Job start(String key, WorkQueue lane, ResultCache cache, Function<Progress, Result> work) {
        Job job;
        synchronized (this) {
            Job running = active.get(key);
            if (running != null) return running;
            job = new Job("job" + counter.incrementAndGet(), key);
            active.put(key, job);
            byId.put(job.id, job);
            trim();
        }
        Job j = job;
        try {
            Future<?> f = lane.submit(() -> {
                try {
                    j.start();
                    Result r = work.apply(j::progress);
                    cache.put(key, r);
                    j.finish(State.DONE, r, null);
                } catch (CancellationException e) {
                    j.finish(State.CANCELLED, null, null);
                } catch (ApiException | IllegalArgumentException e) {
                    j.finish(State.FAILED, null, e.getMessage());
                } catch (Throwable t) {
                    j.finish(State.FAILED, null, "internal error: " + t);
                } finally {
                    retire(j);
                }
                return null;
            });
            synchronized (j) {
                j.future = f;
                j.lane = lane;
            }
        } catch (RuntimeException refused) {
            synchronized (this) {
                active.remove(key);
                byId.remove(j.id);
            }
            throw refused;
        }
        return j;
    }

    private synchronized void retire(Job j) {
        active.remove(j.key, j);
    }

    private void trim() {
        int finished = 0;
        for (Job j : byId.values()) if (j.snapshot().finished()) finished++;
        var it = byId.values().iterator();
        while (finished > keepFinished && it.hasNext()) {
            Job j = it.next();
            if (j.snapshot().finished()) {
                it.remove();
                finished--;
            }
        }
    }

    /** Cancels a job (see {@link Job#cancel()}) and returns what it is now. */
    Snapshot cancel(String id) {
        Job j = get(id);
        if (j.cancel()) {
            retire(j);
            WorkQueue lane;
            synchronized (j) {
                lane = j.lane;
            }
            // a cancelled job still waiting frees its place in the queue now, not when a worker gets to it
            if (lane != null) lane.purge();
        }
        return j.snapshot();
    }

    /** The job with this id; 404 when unknown or long forgotten. */
    synchronized Job get(String id) {
        Job j = byId.get(id);
        if (j == null) throw new ApiException(404, "no job '" + ImageStore.clip(id) + "'");
        return j;
    }

    /** The job as JSON fields for a progress event. */
    static Map<String, Object> describe(Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", s.id());
        m.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
        m.put("done", s.done());
        m.put("total", s.total());
        if (s.error() != null) m.put("error", s.error());
        return m;
    }

    /** The finished result's JSON text (for a "done" event). */
    static String resultJson(Snapshot s) {
        return new String(s.result().json(), StandardCharsets.UTF_8);
    }
}
