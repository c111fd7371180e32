package io.stratagem.process.internal;

import io.stratagem.process.internal.WorkerTaskContext.Job;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything a worker JVM writes to the parent: frames under one write lock, the {@link StartedMarks}, the batching of
 * flushes, and the flusher thread.
 *
 * <h2>Overview</h2>
 * The thread running a job records it in the marks (so a crash is attributed exactly without a flush), writes
 * STARTED without flushing, and after the job writes RESULT or ERROR, flushing only when no other job is waiting (or
 * every {@link #RESULTS_PER_FLUSH} results): results of tiny tasks travel in batches, and a tiny task's STARTED travels
 * with its RESULT in one write, which the parent reads in one wake-up. Each flush clears the marks, since every STARTED
 * written so far is then in the pipe. Until the warm-up thread has mapped the marks, STARTED is flushed at once.
 * The flusher thread pushes the STARTED of a job that runs past a tick (1-2 ms), and wakes the worker's standby
 * reader for a job running inline on the thread that read it ({@link WorkerMain}). It ticks while jobs come and go
 * and parks once idle for {@link #IDLE_TICKS_BEFORE_SLEEP} ticks, so a steady stream of short round trips costs it no
 * wake-up each. A failed write means the parent is gone: the worker halts.
 */
final class WorkerOutput {
    private static final int RESULTS_PER_FLUSH = 16;
    private static final long FLUSH_AFTER_NANOS = 1_000_000;
    private static final int IDLE_TICKS_BEFORE_SLEEP = 50;

    private final FrameWriter writer;
    private final WorkerMain worker;
    private final ReentrantLock writeLock = new ReentrantLock();
    private StartedMarks marks;                   // guarded by writeLock; null until the warm-up thread maps it
    private int unflushedResults;                 // guarded by writeLock
    private volatile Job runningJob;              // for the flusher: the job being run, or null
    private volatile Job inlineJob;               // for the flusher: set while the reader role is free (inline run)
    private Thread flusher;
    private volatile boolean flusherIdle;

    WorkerOutput(FrameWriter writer, WorkerMain worker) {
        this.writer = writer;
        this.worker = worker;
    }

    void startFlusher() {
        flusher = new Thread("stratagem-worker-flusher") {
            @Override
            public void run() {
                flushLongRuns();
            }
        };
        flusher.setDaemon(true);
        flusher.start();
    }

    /** {@code job} runs inline on the thread that read it, the reader role left free; null once it is taken again. */
    void inline(Job job) {
        inlineJob = job;
    }

    /**
     * Records that {@code job} starts: its id in the shared marks (so a crash is attributed exactly), a STARTED frame
     * in the buffer, to travel with the task's result or the next batch, or to be pushed by the flusher if the task
     * runs long. Until the warm-up thread has mapped the marks, every STARTED is flushed at once: exact attribution
     * without them.
     */
    void started(Job job) {
        runningJob = job; // before writing: a write may block, and the flusher must know about this job by then
        if (flusherIdle) {
            LockSupport.unpark(flusher); // only when it sleeps without a deadline: one wake-up per busy spell
        }
        boolean flushNow = false;
        writeLock.lock();
        try {
            if (marks == null) {
                flushNow = true;
            } else if (marks.full()) {
                flushLocked();
            }
            writer.write(WorkerProtocol.STARTED, job.id, new byte[0]);
            if (marks != null) {
                marks.add(job.id);
            }
            if (flushNow) {
                flushLocked();
            }
        } catch (IOException e) {
            pipeFailed(e);
        } finally {
            writeLock.unlock();
        }
    }

    void result(byte type, long id, byte[] payload, boolean queueEmpty) {
        runningJob = null;
        writeLock.lock();
        try {
            writer.write(type, id, payload);
            if (queueEmpty || ++unflushedResults >= RESULTS_PER_FLUSH) {
                flushLocked();
            }
        } catch (IOException e) {
            pipeFailed(e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Flushes when the same task has been running for a tick or two (1-2 ms) with frames still buffered. Ticks while
     * tasks come and go; after {@link #IDLE_TICKS_BEFORE_SLEEP} ticks with no task running it parks until
     * {@link #started} unparks it.
     */
    private void flushLongRuns() {
        int idleTicks = 0;
        Job seen = null;
        Job seenInline = null;
        while (true) {
            Job now = runningJob;
            Job inline = inlineJob;
            if (inline != null && inline == seenInline) {
                // First, and not tied to runningJob: the inline thread may be blocked writing its result to a full
                // pipe while the parent waits for stdin to drain; the other thread reading breaks that wait.
                worker.wakeStandbyReader();
            }
            if (now != null && now == seen) {
                flushQuietly();
            }
            seen = now;
            seenInline = inline;
            if (now != null || inline != null) {
                idleTicks = 0;
            } else if (++idleTicks >= IDLE_TICKS_BEFORE_SLEEP) {
                flusherIdle = true;
                if (runningJob == null && inlineJob == null) {
                    LockSupport.park(this);
                }
                flusherIdle = false;
                idleTicks = 0;
                seen = null;
                seenInline = null;
                continue;
            }
            LockSupport.parkNanos(this, FLUSH_AFTER_NANOS);
        }
    }

    private void flushLocked() throws IOException {
        writer.flush();
        if (marks != null) {
            marks.clear(); // every STARTED written so far is in the pipe now
        }
        unflushedResults = 0;
    }

    /**
     * Called by the warm-up thread once the marks file is mapped. Until then every STARTED frame was flushed as it was
     * written, so none is unaccounted for when the marks take over.
     */
    void installMarks(StartedMarks m) {
        writeLock.lock();
        try {
            marks = m;
        } finally {
            writeLock.unlock();
        }
    }

    private void pipeFailed(IOException e) {
        WorkerMain.diagnose("the protocol pipe failed (" + e + "); exiting", null);
        Runtime.getRuntime().halt(0);
    }

    void send(byte type, long id, byte[] payload, boolean flush) {
        writeLock.lock();
        try {
            writer.write(type, id, payload);
            if (flush) {
                flushLocked();
            }
        } catch (IOException e) {
            pipeFailed(e);
        } finally {
            writeLock.unlock();
        }
    }

    void flushQuietly() {
        writeLock.lock();
        try {
            flushLocked();
        } catch (IOException ignored) {
            // halting anyway
        } finally {
            writeLock.unlock();
        }
    }
}
