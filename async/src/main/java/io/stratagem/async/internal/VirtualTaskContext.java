package io.stratagem.async.internal;

import io.stratagem.internal.Durations;
import io.stratagem.spi.BasicTaskContext;
import io.stratagem.spi.TaskRun;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * The context of a task on a virtual thread of {@code AsyncStrategy}, and the body of that thread.
 *
 * <p>In PARALLEL mode without context bindings (the common case) it adds only time accounting to
 * {@link BasicTaskContext}: 32 bytes per task. LOOP mode and bindings use the larger {@link Extended} (48 bytes). One
 * of these exists per task (a million in the scale benchmark), so each keeps only per-task state: the strategy's shared
 * parts sit behind one reference ({@link Env}), and the run time comes from the run itself. It cannot live on the run
 * itself: {@code TaskContext.isCancelled()} (a stop was requested) and the handle's {@code Future.isCancelled()} (it
 * completed by cancellation) share one signature and mean different things.
 *
 * <p>Confined to the task's thread.
 */
public sealed class VirtualTaskContext extends BasicTaskContext implements Runnable
        permits VirtualTaskContext.Extended {

    /** What every task of one strategy shares. Immutable. */
    public record Env(Semaphore permit, StepClock clock, TaskStatsTable stats, Admission admission) {
    }

    final Env env;
    private int waitDepth;
    private long waitNanos;

    private VirtualTaskContext(TaskRun<?> run, Env env) {
        super(run);
        this.env = env;
    }

    /**
     * The context for {@code run}.
     *
     * @param env      the strategy's shared parts; {@code env.permit()} is null in PARALLEL mode
     * @param bindings the submitter's bindings to install on the task's thread, or null for none
     */
    public static VirtualTaskContext of(TaskRun<?> run, Env env, ContextSnapshot bindings) {
        return env.permit() == null && bindings == null ? new VirtualTaskContext(run, env)
                : new Extended(run, env, bindings);
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
            env.admission().exited(run.id());
        }
    }

    /** Runs the task to completion on the current thread, with its context bindings, and records its times. */
    void runTask() {
        // PARALLEL without bindings: kept this small so that the JIT inlines the whole path into one frame; every
        // parked task's frames are copied to the heap, so a frame less is memory saved per waiting task
        run.execute(this); // never throws; calls ran() before the handle completes
    }

    /**
     * Records the task's times before its handle completes, so that {@code misplacedTasks()} after {@code join()}
     * counts it. Busy is the time it ran outside sleep and blocking (and, in LOOP mode, outside the permit queue).
     */
    @Override
    protected void ran(long runNanos) {
        env.stats().record(run.name(), run.id(), Math.max(0, runNanos - waitNanos), runNanos);
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
            // TaskRun.sleepUnlessStopped by hand, starting from pause()'s clock reading: one frame and one clock read
            // less for every sleeping task
            long total = Durations.saturatedNanos(duration);
            for (long left = total; left > 0; left = total - (System.nanoTime() - t0)) {
                LockSupport.parkNanos(run, left);
                run.checkNotStopped();
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("task " + run.id() + " was interrupted while sleeping");
                }
            }
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

    private long pause() {
        long now = System.nanoTime();
        if (waitDepth++ == 0) {
            handOver(now); // nested waits: the outer one already handed the permit over and counts the time
        }
        return now;
    }

    private void resume(long pausedAt) {
        if (--waitDepth > 0) {
            return; // a nested wait (ctx.sleep inside ctx.blocking) ended; the outer one still waits
        }
        takeBack();
        long now = System.nanoTime();
        waitNanos += now - pausedAt;
        resumed(now);
    }

    /** Outermost wait begins at {@code now}: LOOP mode hands the permit over. */
    void handOver(long now) {
    }

    /** Outermost wait ends: LOOP mode takes the permit back (uninterruptibly). */
    void takeBack() {
    }

    /** The task runs its own code again from {@code now}. */
    void resumed(long now) {
    }

    /**
     * LOOP mode, context bindings, or both. In LOOP mode the task holds the strategy's single fair permit whenever it
     * runs its own code, and hands it over in {@link #sleep} and {@link #blocking} (asyncio's await points), so exactly
     * one task runs at a time and waiting tasks resume in FIFO order. {@link #checkpoint()} stays a cancellation
     * check: asyncio switches only at await. Getting the permit back is uninterruptible, so a task's own code,
     * including its {@code finally} blocks, never runs without it; a cancellation that arrives meanwhile is seen right
     * after, at the next check.
     */
    static final class Extended extends VirtualTaskContext {
        private final ContextSnapshot bindings;
        private boolean holding;
        private long segmentStart;

        Extended(TaskRun<?> run, Env env, ContextSnapshot bindings) {
            super(run, env);
            this.bindings = bindings;
        }

        @Override
        void runTask() {
            if (bindings != null) {
                bindings.runWith(this::execute);
            } else {
                execute();
            }
        }

        private void execute() {
            Semaphore permit = env.permit();
            if (permit == null) {
                run.execute(this);
                return;
            }
            permit.acquireUninterruptibly();
            holding = true;
            segmentStart = System.nanoTime();
            try {
                run.execute(this);
            } finally {
                if (holding) {
                    env.clock().step(run.name(), System.nanoTime() - segmentStart);
                    holding = false;
                    permit.release();
                }
            }
        }

        @Override
        void handOver(long now) {
            if (holding) {
                env.clock().step(run.name(), now - segmentStart);
                holding = false;
                env.permit().release();
            }
        }

        @Override
        void takeBack() {
            Semaphore permit = env.permit();
            if (permit != null) {
                permit.acquireUninterruptibly();
                holding = true;
            }
        }

        @Override
        void resumed(long now) {
            segmentStart = now;
        }
    }
}
