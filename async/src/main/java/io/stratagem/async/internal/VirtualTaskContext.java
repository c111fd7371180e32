package io.stratagem.async.internal;

import io.stratagem.spi.BasicTaskContext;
import io.stratagem.spi.TaskRun;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

/**
 * The context of a task on a virtual thread of {@code AsyncStrategy}.
 *
 * <p>In PARALLEL mode ({@code permit == null}) it adds only time accounting to {@link BasicTaskContext}. In LOOP mode
 * the task holds the strategy's single fair permit whenever it runs its own code, and hands it over in
 * {@link #sleep} and {@link #blocking} (asyncio's await points), so exactly one task runs at a time and waiting
 * tasks resume in FIFO order. {@link #checkpoint()} stays a cancellation check: asyncio switches only at await.
 * Getting the permit back is uninterruptible, so a task's own code, including its {@code finally} blocks, never runs
 * without it; a cancellation that arrives meanwhile is seen right after, at the next check.
 *
 * <p>Confined to the task's thread.
 */
public final class VirtualTaskContext extends BasicTaskContext implements Runnable {

    private final Semaphore permit;
    private final StepClock clock;
    private final TaskStatsTable stats;
    private final ContextSnapshot context;
    private final Admission admission;
    private boolean holding;
    private long segmentStart;
    private long waitNanos;
    private long startNanos;
    private long endNanos;
    private int waitDepth;

    public VirtualTaskContext(TaskRun<?> run, Semaphore permit, StepClock clock, TaskStatsTable stats,
                              ContextSnapshot context, Admission admission) {
        super(run);
        this.permit = permit;
        this.clock = clock;
        this.stats = stats;
        this.context = context;
        this.admission = admission;
    }

    /** The run this context belongs to. */
    public TaskRun<?> taskRun() {
        return run;
    }

    /** The body of a virtual thread that runs just this task (no concurrency limit). */
    @Override
    public void run() {
        try {
            runTask();
        } finally {
            admission.exited();
        }
    }

    /** Runs the task to completion on the current thread, with its context bindings, and records its times. */
    void runTask() {
        if (context != null) {
            context.runWith(this::execute);
        } else {
            execute();
        }
        stats.record(run.name(), run.id(), busyNanos(), runNanos());
    }

    private void execute() {
        if (permit != null) {
            permit.acquireUninterruptibly();
            holding = true;
        }
        startNanos = System.nanoTime();
        segmentStart = startNanos;
        try {
            run.execute(this);
        } finally {
            endNanos = System.nanoTime();
            if (holding) {
                clock.step(run.name(), endNanos - segmentStart);
                holding = false;
                permit.release();
            }
        }
    }

    @Override
    public void sleep(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("sleep duration must be >= 0, was " + duration);
        }
        run.checkNotStopped();
        long t0 = pause();
        try {
            run.sleepUnlessStopped(duration);
        } finally {
            resume(t0);
        }
    }

    @Override
    public <R> R blocking(Callable<R> call) throws Exception {
        Objects.requireNonNull(call, "call");
        run.checkNotStopped();
        long t0 = pause();
        try {
            return call.call();
        } finally {
            resume(t0);
        }
    }

    /** Time the task ran outside {@code sleep} and {@code blocking} (and, in LOOP mode, outside the permit queue). */
    public long busyNanos() {
        return Math.max(0, runNanos() - waitNanos);
    }

    /** Time from start to end; 0 if the run never started. */
    public long runNanos() {
        return startNanos == 0 || endNanos < startNanos ? 0 : endNanos - startNanos;
    }

    private long pause() {
        long now = System.nanoTime();
        if (waitDepth++ > 0) {
            return now; // nested: the outer wait already handed the permit over and counts the time
        }
        if (holding) {
            clock.step(run.name(), now - segmentStart);
            holding = false;
            permit.release();
        }
        return now;
    }

    private void resume(long pausedAt) {
        if (--waitDepth > 0) {
            return; // a nested wait (ctx.sleep inside ctx.blocking) ended; the outer one still waits
        }
        if (permit != null) {
            permit.acquireUninterruptibly();
            holding = true;
        }
        long now = System.nanoTime();
        segmentStart = now;
        waitNanos += now - pausedAt;
    }
}
