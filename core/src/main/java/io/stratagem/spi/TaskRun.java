package io.stratagem.spi;

import io.stratagem.CancellationStage;
import io.stratagem.Task;
import io.stratagem.TaskContext;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import io.stratagem.Timings;
import io.stratagem.internal.Durations;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * One submitted task as its backend sees it: the handle the caller holds, plus the transitions a backend drives.
 *
 * <h2>Implementation overview</h2>
 * A run moves through three phases, {@code QUEUED -> RUNNING -> FINISHED}, or straight {@code QUEUED -> FINISHED}
 * when it is withdrawn before starting. Every transition is a CAS on {@code phase}, so exactly one party wins each:
 * <ul>
 *   <li>the backend calls {@link #tryStart(Thread)} before running the task; it fails if the run was withdrawn
 *       meanwhile, and the backend must then skip it;</li>
 *   <li>the backend ends a started run with {@link #succeed}, {@link #fail} or {@link #finishStopped}; only the first
 *       call counts;</li>
 *   <li>{@link #cancel(boolean)} or a timeout records a <em>stop reason</em> (a CAS from null, so the first
 *       reason wins) under this run's monitor and only while the run is not finished, then withdraws a queued run (completing it at once with stage {@code NOT_STARTED}), or, for a
 *       running one, tells the backend through {@link Owner#stopRequested}. The running task sees the request at
 *       its next checkpoint; the backend completes the run when the task has really stopped.</li>
 * </ul>
 * Invariants: the handle completes exactly once, only after the phase is {@code FINISHED}; a run whose stop reason is
 * set always completes with that reason (a {@code CancellationException} or a
 * {@link io.stratagem.TaskTimedOutException}); the runner thread is interrupted only while the phase is
 * {@code RUNNING} and under this run's monitor, which {@link #finishPhase()} also takes, so a pooled thread is never
 * interrupted after it has moved on to another task.
 *
 * <p>Thread-safe. Completing a run happens-after everything the task did on its runner thread.
 */
public final class TaskRun<T> extends TaskHandle<T> {

    /** How the owning strategy learns what happens to a run. Called without locks held; must not block. */
    public interface Owner {
        /** A queued run was cancelled before starting; the backend may drop it from its queue (it will skip it anyway). */
        void withdrawn(TaskRun<?> run);

        /**
         * A running run was asked to stop. The cooperative flag is already set; a backend usually calls
         * {@link TaskRun#interruptRunner()} when {@code mayInterrupt}. Must not block.
         */
        void stopRequested(TaskRun<?> run, boolean mayInterrupt);

        /** The run has ended and its handle is complete; called exactly once per run. */
        void ended(TaskRun<?> run);

        /**
         * A thread is about to block in {@link TaskRun#join()} until {@code run} completes. The backend may use that
         * thread meanwhile for work that brings the completion closer (the process pool reads its worker's answer on
         * it, saving a hand-off between threads); it returns once the run is done or it cannot help, and the caller
         * then waits as usual. Must return soon after the run completes, however it completes; must not throw.
         * Default: returns at once.
         */
        default void awaiting(TaskRun<?> run) {
        }
    }

    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int FINISHED = 2;

    private final long id;
    private final Task<T> task;
    private final Owner owner;
    private final long submittedNanos = System.nanoTime();
    // Plain volatile fields driven through VarHandles rather than Atomic* objects, and this object's own monitor
    // rather than a ReentrantLock: a run exists per task (a million of them in the async benchmark), so each saved
    // object counts. The monitor guards only a few non-blocking instructions, so it cannot pin a virtual thread for
    // longer than that.
    private volatile int phase = QUEUED;
    // What most runs never need: a stop reason, a cancellation stage, a CPU time. Created on first need (a CAS from
    // null, so one instance per run) and never cleared; null on the common path, which then reads one field instead of
    // three and keeps the run at 80 bytes instead of 88.
    private volatile Rare rare;

    // On the common path tryStart sets runner and startNanos just before the phase CAS that publishes them, and
    // finishPhase clears runner and sets endNanos just after its CAS, inside the monitor and before the handle
    // completes: release stores, as that CAS, monitor exit or completion orders them for anyone who reads phase or
    // sees the handle done; a full fence each would buy nothing. Rare paths (a failed start, finishStopped) write them
    // as volatiles. Every read is volatile and follows a read of phase (or isDone); a reader that finds phase FINISHED
    // may still see endNanos at 0, and then uses the current time.
    private volatile long startNanos;
    private volatile long endNanos;
    private volatile Thread runner;

    // This run's slot in the owning AbstractStrategy's live set (see Stripe), instead of a node allocated per run. A plain
    // field: written by Stripe under its lock (when the run is added, or moved by a compaction); read by Stripe.clear
    // without it, which tolerates a stale slot (its compare-and-set expects this very run).
    int liveIndex;

    private static final VarHandle PHASE;
    private static final VarHandle RARE;
    private static final VarHandle START_NANOS;
    private static final VarHandle END_NANOS;
    private static final VarHandle RUNNER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PHASE = l.findVarHandle(TaskRun.class, "phase", int.class);
            RARE = l.findVarHandle(TaskRun.class, "rare", Rare.class);
            START_NANOS = l.findVarHandle(TaskRun.class, "startNanos", long.class);
            END_NANOS = l.findVarHandle(TaskRun.class, "endNanos", long.class);
            RUNNER = l.findVarHandle(TaskRun.class, "runner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public TaskRun(long id, Task<T> task, Owner owner) {
        this.id = id;
        this.task = Objects.requireNonNull(task, "task");
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /** The task this run executes. */
    public Task<T> task() {
        return task;
    }

    @Override
    public long id() {
        return id;
    }

    /** {@inheritDoc} Asks the task each time rather than keeping a copy: one field less on every run. */
    @Override
    public String name() {
        return task.name();
    }

    // ---- backend side ------------------------------------------------------------------------------------------

    /**
     * Marks the run as started on {@code thread} (null when it runs elsewhere, e.g. in a worker process).
     *
     * @return false if the run was withdrawn (or already started); the backend must then not run it
     */
    public boolean tryStart(Thread thread) {
        RUNNER.setRelease(this, thread); // published by the CAS below (see the fields)
        START_NANOS.setRelease(this, System.nanoTime());
        if (PHASE.compareAndSet(this, QUEUED, RUNNING)) {
            return true;
        }
        runner = null;
        return false;
    }

    /**
     * Runs the task on the current thread with {@code ctx}, from start to completion, and completes the handle with
     * what happened. Does nothing if the run was withdrawn. A {@link BasicTaskContext} is told how long the task ran
     * ({@link BasicTaskContext#ran(long)}) on this thread before the handle completes. Never throws: a task's {@link Error} (an assertion, an
     * {@code OutOfMemoryError}) fails the run like any exception and leaves the pooled thread alive to serve the next
     * task. Clears an interrupt this run caused, so a pooled thread starts its next task clean.
     */
    public void execute(TaskContext ctx) {
        if (!tryStart(Thread.currentThread())) {
            return;
        }
        T value = null;
        Throwable failure = null;
        try {
            value = task.run(ctx);
        } catch (Throwable t) {
            failure = t;
        }
        finishPhase();
        if (stage() == CancellationStage.INTERRUPT) {
            Thread.interrupted(); // the interrupt was ours, aimed at this task only
        }
        if (ctx instanceof BasicTaskContext basic) {
            try {
                basic.ran(endNanos - startNanos); // both written on this thread, before and in finishPhase
            } catch (RuntimeException | Error e) {
                failure = failure == null ? e : failure; // a backend bug must not leave the handle incomplete
            }
        }
        if (failure != null) {
            completeFailed(failure);
        } else {
            completeValue(value);
        }
    }

    /** Ends a started run with its result (or, if a stop was requested, as stopped with stage {@code IGNORED}). */
    public void succeed(T value) {
        if (finishPhase()) {
            completeValue(value);
        }
    }

    /** Ends a started run with a failure (or, if a stop was requested, as stopped). */
    public void fail(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        if (finishPhase()) {
            completeFailed(failure);
        }
    }

    /**
     * Ends a run that the backend stopped itself at {@code how} (e.g. {@code KILLED}); if no stop reason was recorded
     * it records a cancellation. Works for queued and running runs.
     */
    public void finishStopped(CancellationStage how) {
        Objects.requireNonNull(how, "how");
        synchronized (this) {
            if (phase == FINISHED) {
                return;
            }
            Rare r = rare();
            Rare.REASON.compareAndSet(r, null, new CancellationException("task " + id + " was cancelled"));
            phase = FINISHED;
            runner = null;
            endNanos = System.nanoTime();
            r.stage = how;
        }
        super.completeExceptionally(stopReason());
        owner.ended(this);
    }

    /** Records the CPU time the task used (where the backend can measure it). */
    public void recordCpuTime(Duration cpu) {
        Objects.requireNonNull(cpu, "cpu");
        rare().cpuTime = cpu;
    }

    /** Interrupts the runner thread if the task is still running on it; never interrupts a thread that moved on. */
    public void interruptRunner() {
        synchronized (this) {
            Thread t = runner;
            if (phase == RUNNING && t != null) {
                rare().stage = CancellationStage.INTERRUPT; // provisional, see Rare.stage
                t.interrupt();
            }
        }
    }

    /** Whether a stop (cancel or timeout) was requested. */
    public boolean isStopRequested() {
        return stopReason() != null;
    }

    /**
     * Throws a {@link CancellationException} if a stop was requested; what {@link TaskContext#checkpoint()} does on
     * every backend. One volatile read when not cancelled.
     */
    public void checkNotStopped() {
        Rare r = rare;
        if (r != null && r.reason != null) {
            throw new CancellationException("task " + id + " was cancelled");
        }
    }

    /**
     * Waits for {@code duration} on the current (runner) thread, returning early by throwing if a stop is requested:
     * the cancellable sleep behind {@link TaskContext#sleep(Duration)}. Holds no lock while waiting.
     *
     * @throws CancellationException if a stop is requested before or during the wait, or the thread is interrupted
     *                               (the interrupt status is then set again)
     */
    public void sleepUnlessStopped(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("sleep duration must be >= 0, was " + duration);
        }
        checkNotStopped();
        long total = Durations.saturatedNanos(duration);
        long start = System.nanoTime();
        for (long left = total; left > 0; left = total - (System.nanoTime() - start)) {
            LockSupport.parkNanos(this, left);
            checkNotStopped();
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("task " + id + " was interrupted while sleeping");
            }
        }
    }

    // ---- caller side -------------------------------------------------------------------------------------------

    /**
     * {@inheritDoc} Before blocking, lets the backend use this thread to bring the completion closer
     * ({@link Owner#awaiting}).
     */
    @Override
    public T join() {
        if (!isDone()) {
            owner.awaiting(this);
        }
        return super.join();
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return isCancelled();
        }
        return requestStop(new CancellationException("task " + id + " was cancelled"), mayInterruptIfRunning);
    }

    /**
     * Asks the task to stop with {@code reason} (a {@link CancellationException} or a timeout exception), as
     * {@link #cancel(boolean)} does.
     *
     * @return whether the run is now (or will be) ended by a request of this kind: false if it had already finished
     *         otherwise, or another kind of request came first
     */
    public boolean requestStop(Throwable reason, boolean mayInterrupt) {
        Objects.requireNonNull(reason, "reason");
        boolean withdrawnNow;
        synchronized (this) {
            // Under the lock that finishPhase takes: a request either lands before the run finishes (and then
            // decides its outcome) or is refused; never accepted yet ignored.
            if (phase == FINISHED || !Rare.REASON.compareAndSet(rare(), null, reason)) {
                return reason instanceof CancellationException && stopReason() instanceof CancellationException;
            }
            withdrawnNow = PHASE.compareAndSet(this, QUEUED, FINISHED);
            if (withdrawnNow) {
                endNanos = System.nanoTime();
                rare.stage = CancellationStage.NOT_STARTED;
            }
        }
        if (withdrawnNow) {
            super.completeExceptionally(reason);
            owner.withdrawn(this);
            owner.ended(this);
            return true;
        }
        Thread t = runner;
        if (t != null) {
            LockSupport.unpark(t); // wakes sleepUnlessStopped; a spurious wake-up for any other park
        }
        owner.stopRequested(this, mayInterrupt);
        return true;
    }

    @Override
    public TaskState taskState() {
        if (isDone()) {
            if (isCancelled()) {
                return TaskState.CANCELLED;
            }
            return isCompletedExceptionally() ? TaskState.FAILED : TaskState.SUCCEEDED;
        }
        return phase == QUEUED ? TaskState.QUEUED : TaskState.RUNNING;
    }

    @Override
    public Timings timings() {
        long now = System.nanoTime();
        int p = phase;
        Rare r = rare;
        long start = startNanos;
        long end = endNanos;
        boolean started = start != 0 && (p == RUNNING || (p == FINISHED && end >= start && stage() != CancellationStage.NOT_STARTED));
        long queued = (started ? start : (end != 0 ? end : now)) - submittedNanos;
        long run = started ? (end != 0 ? end : now) - start : 0;
        return new Timings(Duration.ofNanos(Math.max(0, queued)), Duration.ofNanos(Math.max(0, run)),
                Optional.ofNullable(r == null ? null : r.cpuTime), submittedNanos);
    }

    @Override
    public Optional<CancellationStage> cancellationStage() {
        return isDone() ? Optional.ofNullable(stage()) : Optional.empty();
    }

    @Override
    public String toString() {
        return "TaskRun[" + id + " " + task.name() + " " + taskState() + "]";
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    /** RUNNING -> FINISHED under the runner lock, so no interrupt lands after the task has left its thread. */
    private boolean finishPhase() {
        synchronized (this) {
            if (!PHASE.compareAndSet(this, RUNNING, FINISHED)) {
                return false;
            }
            RUNNER.setRelease(this, null); // ordered by the monitor's exit and the handle's completion (see the fields)
            END_NANOS.setRelease(this, System.nanoTime());
            return true;
        }
    }

    private void completeValue(T value) {
        Rare r = rare; // no longer changes once FINISHED but for its cpuTime (see the class)
        Throwable reason = r == null ? null : r.reason;
        if (reason == null) {
            if (r != null && r.stage != null) { // skipping the common no-op write saves a fence
                r.stage = null; // drops a provisional INTERRUPT from an interruptRunner call that no stop request made
            }
            super.complete(value);
        } else {
            r.stage = CancellationStage.IGNORED;
            super.completeExceptionally(reason);
        }
        owner.ended(this);
    }

    private void completeFailed(Throwable failure) {
        Rare r = rare;
        Throwable reason = r == null ? null : r.reason;
        if (reason == null) {
            if (r != null && r.stage != null) {
                r.stage = null; // as in completeValue
            }
            super.completeExceptionally(failure);
        } else {
            r.stage = r.stage == CancellationStage.INTERRUPT ? CancellationStage.INTERRUPT : CancellationStage.CHECKPOINT;
            if (reason != failure && !(failure instanceof CancellationException) && !(failure instanceof InterruptedException)) {
                reason.addSuppressed(failure);
            }
            super.completeExceptionally(reason);
        }
        owner.ended(this);
    }

    private Rare rare() {
        Rare r = rare;
        if (r == null) {
            r = new Rare();
            if (!RARE.compareAndSet(this, null, r)) {
                r = rare;
            }
        }
        return r;
    }

    private Throwable stopReason() {
        Rare r = rare;
        return r == null ? null : r.reason;
    }

    private CancellationStage stage() {
        Rare r = rare;
        return r == null ? null : r.stage;
    }

    /**
     * A run's rarely known state. {@code reason}: the stop reason, set once by a CAS from null (the first reason
     * wins). {@code stage}: while RUNNING, INTERRUPT once interruptRunner has interrupted the runner (under the run's
     * monitor, which finishPhase takes too, so the runner reads it after finishing), and null otherwise; the run's
     * completion then sets the final stage (or null) before it completes the handle. {@code cpuTime}: where the
     * backend measures it (the process pool, the auto strategy), written before the handle completes.
     */
    private static final class Rare {
        static final VarHandle REASON;

        static {
            try {
                REASON = MethodHandles.lookup().findVarHandle(Rare.class, "reason", Throwable.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile Throwable reason;
        volatile CancellationStage stage;
        volatile Duration cpuTime;
    }
}
