package io.stratagem.process.internal;

import io.stratagem.Task;
import io.stratagem.process.ProcessPoolStrategy.QueuePolicy;
import io.stratagem.process.WorkerStartException;
import io.stratagem.spi.TaskRun;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * A task's way through the pool between submit and outcome: the bounded submission queue, the assignment of queued
 * tasks to workers, the TASK frames that carry them, and the frames that answer them ({@link ProcessPool}'s overview
 * has the whole picture).
 *
 * <h2>Implementation overview</h2>
 * A {@link Pending} moves {@code NEW -> QUEUED -> SENT -> DONE}:
 * <ul>
 *   <li>{@code NEW -> QUEUED}: {@link #dispatch}, on the submitting thread, once there is room
 *       ({@code queuedLive < queueCapacity}; at the limit it waits on {@code notFull} or rejects, as the
 *       {@link QueuePolicy} says). A broken pool fails the run instead; a run withdrawn meanwhile is dropped.</li>
 *   <li>{@code QUEUED -> SENT}: {@link #pumpLocked}, which starts the run ({@link TaskRun#tryStart}) the first time
 *       it is sent and puts it in the chosen worker's {@code inFlight}; a run withdrawn meanwhile goes to
 *       {@code DONE}.</li>
 *   <li>{@code QUEUED -> DONE}: {@link #withdrawn}, a stop of a requeued run ({@link StopStages}), or the pool breaking
 *       ({@link WorkerDeaths}).</li>
 *   <li>{@code SENT -> DONE}: an outcome frame ({@link #onFrame}) or the worker's death ({@link WorkerDeaths}).</li>
 *   <li>{@code SENT -> QUEUED}: the worker died before starting it, or it is idempotent with retries left
 *       ({@link #requeueFirstLocked}, to the front of the queue).</li>
 * </ul>
 * Invariants, under the pool's {@code lock} (which guards every {@link Pending} field and the pool's queue state):
 * {@code queuedLive} counts the {@code QUEUED} entries in {@code queue}, which may also hold withdrawn ones (skipped
 * when polled, dropped when {@code queuedLive} reaches 0); an entry not {@code DONE} is in {@code byRunId}; a
 * {@code SENT} entry is in its {@code worker}'s {@code inFlight} and nowhere else. TASK frames are written outside
 * the lock ({@link #send}), under each worker's own write lock. {@code averageRunNanos} is the one field here kept
 * without the lock.
 */
final class TaskDispatch {

    /** A TASK frame to write outside the lock; {@code urgent} if the worker had little else to do. */
    record Send(WorkerHandle worker, Pending pending, boolean urgent) {
    }

    /** How much work, in run time, the pool tries to keep queued inside each worker to hide the pipe's latency. */
    private static final long SEND_AHEAD_NANOS = 2_000_000;

    private final ProcessPool pool;
    // Average run time of recent tasks (STARTED to outcome), for the send-ahead window. Updated by reader threads
    // without a lock: a lost update only skews an estimate, so plain volatile writes are enough.
    private volatile long averageRunNanos;

    TaskDispatch(ProcessPool pool) {
        this.pool = pool;
    }

    // ---- submission --------------------------------------------------------------------------------------------

    void dispatch(TaskRun<?> run) {
        Task<?> task = run.task();
        boolean idempotent = task instanceof IdempotentTask<?>;
        Pending p = new Pending(run, pool.codecs.encodeTask(idempotent ? ((IdempotentTask<?>) task).body() : task),
                idempotent);
        List<Send> sends = null;
        WorkerStartException fail;
        pool.lock.lock();
        try {
            fail = pool.broken;
            while (fail == null && pool.queuedLive >= pool.config.queueCapacity()) {
                if (run.isDone()) {
                    return; // withdrawn (by shutdownNow) while waiting for room
                }
                if (pool.config.queuePolicy() == QueuePolicy.REJECT) {
                    throw new RejectedExecutionException("the process pool's submission queue is full ("
                            + pool.config.queueCapacity()
                            + " tasks waiting); raise queueCapacity or use QueuePolicy.BLOCK");
                }
                try {
                    pool.notFull.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RejectedExecutionException("interrupted while waiting for space in the submission queue");
                }
                fail = pool.broken;
            }
            if (run.isDone()) {
                // Withdrawn between submit and here: withdrawn() found nothing to drop (it looks under this lock, so
                // either it ran before this check, and the run is done, or it will find the run queued).
                return;
            }
            if (fail == null) {
                p.state = Pending.QUEUED;
                pool.byRunId.put(run.id(), p);
                pool.queue.add(p);
                pool.queuedLive++;
                sends = pumpLocked();
                pool.lifecycle.ensureWorkersLocked(true);
            }
        } finally {
            pool.lock.unlock();
        }
        if (fail != null) {
            if (run.tryStart(null)) {
                run.fail(fail);
            }
            return;
        }
        send(sends, null, false);
    }


    /** Assigns queued work to workers with room; the caller sends the result outside the lock. */
    List<Send> pumpLocked() {
        List<Send> out = null;
        boolean freed = false;
        while (pool.queuedLive > 0) {
            WorkerHandle w = pickLocked();
            if (w == null) {
                break;
            }
            Pending p = pool.queue.poll();
            if (p.state != Pending.QUEUED) {
                continue; // withdrawn while queued; already uncounted
            }
            pool.queuedLive--;
            freed = true;
            if (!p.runStarted) {
                if (!p.run.tryStart(null)) { // withdrawn meanwhile; withdrawn() will find it done
                    finishLocked(p);
                    continue;
                }
                p.runStarted = true; // from here only the worker can tell whether it ran: a cancel must ask it
            }
            p.state = Pending.SENT;
            p.worker = w;
            p.started = false;
            w.inFlight.put(p.run.id(), p);
            w.sent++;
            boolean urgent = w.inFlight.size() <= 2;
            if (pool.config.maxTasksPerWorker() > 0 && w.sent >= pool.config.maxTasksPerWorker()) {
                w.state = WorkerHandle.State.DRAINING;
                w.retireReason = "it ran " + w.sent + " tasks (maxTasksPerWorker)";
                if (pool.config.eager()) {
                    pool.lifecycle.spawnLocked();
                }
            }
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(new Send(w, p, urgent));
        }
        if (pool.queuedLive == 0) {
            pool.queue.clear();
        }
        if (freed) {
            pool.notFull.signalAll();
        }
        return out;
    }

    /**
     * Tasks to keep in flight per worker: about {@link #SEND_AHEAD_NANOS} of work at the observed average run time,
     * at least 2 (one running, one waiting: the worker never idles for a round trip), at most the configured bound.
     * Long tasks thus get a window of 2, so a slow task does not hold many others hostage in its worker. Before any
     * task has finished the window is 1: nothing waits inside a worker behind a task of unknown length.
     */
    private int windowLocked() {
        int floor = Math.min(2, pool.config.inFlightPerWorker());
        long avg = averageRunNanos;
        if (avg <= 0) {
            return 1; // no run time known yet: a task sent ahead might wait behind a long one, and would be RUNNING
        }
        return (int) Math.max(floor, Math.min(pool.config.inFlightPerWorker(), SEND_AHEAD_NANOS / avg));
    }

    private WorkerHandle pickLocked() {
        WorkerHandle best = null;
        int window = windowLocked();
        for (WorkerHandle w : pool.workers) {
            if (w.state == WorkerHandle.State.READY && w.inFlight.size() < window
                    && (best == null || w.inFlight.size() < best.inFlight.size())) {
                best = w;
            }
        }
        return best;
    }

    /** Sends assigned tasks and flushes every worker touched (the default for events other than submit). */
    void send(List<Send> sends) {
        send(sends, null, true);
    }

    /**
     * Writes TASK frames, then flushes the workers written to, except: {@code deferFor} (a reader thread with more
     * frames to process flushes its own worker when its batch ends) and, unless {@code flushAll}, workers that already
     * had at least two tasks in flight: their reader thread flushes when the next outcome arrives, so a burst of
     * submits becomes one write instead of one system call and one worker wake-up per task. Those outcomes may all
     * have arrived meanwhile: {@link WorkerHandle#sendTask} then flushes at once.
     */
    void send(List<Send> sends, WorkerHandle deferFor, boolean flushAll) {
        if (sends == null) {
            return;
        }
        List<WorkerHandle> toFlush = new ArrayList<>(2);
        for (Send s : sends) {
            WorkerHandle w = s.worker();
            boolean flushedLater = w == deferFor || flushAll || s.urgent(); // below, or by w's reader at batch end
            w.sendTask(s.pending().run.id(), s.pending().bytes, true);
            if (flushedLater && w != deferFor && !toFlush.contains(w)) {
                toFlush.add(w);
            }
        }
        toFlush.forEach(WorkerHandle::flush);
    }

    // ---- answers from workers ----------------------------------------------------------------------------------

    /** A frame from {@code w}; {@code more} if further frames are already buffered (the reader flushes after them). */
    void onFrame(WorkerHandle w, Frame f, boolean more) throws FrameException {
        switch (f.type()) {
            case WorkerProtocol.STARTED -> onStarted(w, f.id());
            case WorkerProtocol.RESULT, WorkerProtocol.ERROR, WorkerProtocol.WITHDRAWN -> onOutcome(w, f, more);
            default -> throw new FrameException("unexpected frame from a worker: " + f);
        }
    }

    private void onStarted(WorkerHandle w, long id) {
        pool.lock.lock();
        try {
            Pending p = w.inFlight.get(id);
            if (p == null) {
                return;
            }
            p.started = true; // the run itself was started when it was sent (pumpLocked)
            p.startedNanos = System.nanoTime();
        } finally {
            pool.lock.unlock();
        }
    }

    private void onOutcome(WorkerHandle w, Frame f, boolean more) throws FrameException {
        Pending p;
        List<Send> sends;
        boolean retire = false;
        pool.lock.lock();
        try {
            p = w.inFlight.remove(f.id());
            if (p == null) {
                return;
            }
            p.state = Pending.DONE;
            pool.byRunId.remove(f.id());
            if (p.started && f.type() != WorkerProtocol.WITHDRAWN) {
                long ran = System.nanoTime() - p.startedNanos;
                long avg = averageRunNanos;
                averageRunNanos = avg <= 0 ? ran : avg + (ran - avg) / 8;
            }
            if (w.inFlight.isEmpty()) {
                w.idleSinceNanos = System.nanoTime();
                retire = w.state == WorkerHandle.State.DRAINING;
            }
            sends = pumpLocked();
        } finally {
            pool.lock.unlock();
        }
        send(sends, more ? w : null, true);
        if (retire) {
            w.send(WorkerProtocol.SHUTDOWN, 0, ProcessPool.EMPTY, true);
        }
        pool.codecs.complete(p.run, f);
    }


    /**
     * A caller is about to block in {@code join()} on {@code run}: if the run is in flight on a worker, that worker may
     * let this thread read its answer ({@link WorkerHandle#help}).
     */
    void awaiting(TaskRun<?> run) {
        Pending p = pool.byRunId.get(run.id());
        if (p == null) {
            return;
        }
        WorkerHandle w;
        pool.lock.lock();
        try {
            w = p.state == Pending.SENT ? p.worker : null;
        } finally {
            pool.lock.unlock();
        }
        if (w != null) {
            w.help(run);
        }
    }

    void finishLocked(Pending p) {
        p.state = Pending.DONE;
        p.worker = null;
        pool.byRunId.remove(p.run.id());
    }

    void requeueFirstLocked(Pending p) {
        p.state = Pending.QUEUED;
        p.worker = null;
        p.started = false;
        pool.queue.addFirst(p);
        pool.queuedLive++;
    }

    // ---- cancellation ------------------------------------------------------------------------------------------

    /**
     * A run withdrawn before it started: it can only be in the pool's own queue (a run is started before it is sent),
     * or not yet there (dispatch, which checks {@code isDone} under the same lock, then drops it).
     */
    void withdrawn(TaskRun<?> run) {
        pool.lock.lock();
        try {
            Pending p = pool.byRunId.get(run.id());
            if (p != null && p.state == Pending.QUEUED) {
                finishLocked(p);
                pool.queuedLive--;
            }
            pool.notFull.signalAll(); // also wakes a BLOCK-policy dispatch of this run, which then sees it done
        } finally {
            pool.lock.unlock();
        }
    }
}
