package io.stratagem;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The caller's view of a submitted task: a {@link CompletableFuture} of its result, plus its state and timings.
 *
 * <p>All methods are thread-safe. Completion follows {@code CompletableFuture}: {@link #get()} throws an
 * {@link java.util.concurrent.ExecutionException} (and {@link #join()} a
 * {@link java.util.concurrent.CompletionException}) whose cause is the task's own exception with its original type
 * and stack trace, or a {@link WorkerCrashedException} or {@link TaskTimedOutException}. Actions done by the task
 * happen-before the handle completes. Stages derived from the handle ({@code thenApply} and friends) are plain
 * {@code CompletableFuture}s.
 *
 * <p><b>Cancellation differs from {@code CompletableFuture} in one deliberate way:</b> {@link #cancel(boolean)} of a
 * running task <em>requests</em> that it stop (seen at its next {@link TaskContext#checkpoint()}, and by interrupting
 * its thread when {@code mayInterruptIfRunning}); the handle completes as cancelled only once the work has really
 * stopped, so {@code join()} after {@code cancel} waits for that. A queued task is cancelled at once. Once
 * {@code cancel} has returned {@code true} the handle always ends {@link TaskState#CANCELLED}, even if the task
 * finished its work anyway ({@link CancellationStage#IGNORED}).
 *
 * <p>Completing the handle yourself ({@code complete}, {@code orTimeout}, ...) finishes this future, not the task; to
 * stop the task use {@code cancel} or {@link Strategy#submit(Task, java.time.Duration)}.
 *
 * <p>Handles are created by backends (see {@code io.stratagem.spi.TaskRun}); do not subclass.
 */
public abstract class TaskHandle<T> extends CompletableFuture<T> {

    /** For backends only. */
    protected TaskHandle() {
    }

    /** The task's id, unique within its strategy; {@link TaskContext#taskId()} returns the same. */
    public abstract long id();

    /** The task's name ({@link Task#name()}). */
    public abstract String name();

    /** Where the task is now: queued and running are told apart, unlike {@link #state()}. Never blocks. */
    public abstract TaskState taskState();

    /** Queue wait, run time and (where measurable) CPU time so far. Never blocks. */
    public abstract Timings timings();

    /** For a cancelled or timed-out task, the stage that stopped it; empty otherwise or while it is still stopping. */
    public abstract Optional<CancellationStage> cancellationStage();

    /**
     * Cancels the task: a queued task is removed and this handle completes at once; a running task is asked to stop
     * and this handle completes when it has. Never blocks.
     *
     * @param mayInterruptIfRunning also interrupt the task's thread (the process pool escalates further, killing the
     *                              worker after a grace period); with {@code false} only the cooperative flag is set
     * @return whether the task is now cancelled or will end cancelled: {@code false} if it had already completed
     *         otherwise (as {@code CompletableFuture}, cancelling twice returns {@code true})
     */
    @Override
    public abstract boolean cancel(boolean mayInterruptIfRunning);

    /** Derived stages are plain futures, not task handles. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
