package io.stratagem.process.internal;

import io.stratagem.TaskContext;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * The context of a task inside a worker JVM: cancellation comes from a CANCEL frame, which sets {@link Job#cancelled}
 * and unparks the runner thread. Confined to the runner thread.
 */
final class WorkerTaskContext implements TaskContext {

    /** A task received by the worker, queued or running. */
    static final class Job {
        final long id;
        final byte[] bytes;
        // Written by the reader thread (CANCEL/INTERRUPT frames), read by the runner: volatile for visibility only.
        volatile boolean cancelled;
        volatile boolean interrupted;

        Job(long id, byte[] bytes) {
            this.id = id;
            this.bytes = bytes;
        }
    }

    private final Job job;

    WorkerTaskContext(Job job) {
        this.job = job;
    }

    @Override
    public long taskId() {
        return job.id;
    }

    @Override
    public void checkpoint() {
        if (job.cancelled) {
            throw new CancellationException("task " + job.id + " was cancelled");
        }
    }

    @Override
    public <R> R blocking(Callable<R> call) throws Exception {
        Objects.requireNonNull(call, "call");
        checkpoint();
        return call.call();
    }

    @Override
    public void sleep(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("sleep duration must be >= 0, was " + duration);
        }
        checkpoint();
        long deadline = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(this, left);
            checkpoint();
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("task " + job.id + " was interrupted while sleeping");
            }
        }
    }

    @Override
    public boolean isCancelled() {
        return job.cancelled;
    }
}
