package io.stratagem;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

/**
 * What a running task can ask of its backend. One context belongs to one execution of one task; use it only from the
 * thread that runs the task.
 *
 * <p>The three calls model what happens in Python at the same points: {@link #checkpoint()} is the interpreter's
 * eval-breaker check (the GIL may change hands there), {@link #blocking(Callable)} is a C call that releases the GIL
 * ({@code Py_BEGIN_ALLOW_THREADS}), and {@link #sleep(Duration)} is {@code time.sleep} / {@code await asyncio.sleep}.
 * Every backend honours cancellation at all three.
 */
public interface TaskContext {

    /** The id of the task, unique within its strategy; the same id as {@link TaskHandle#id()}. */
    long taskId();

    /**
     * A cooperative switch and cancellation point. Cheap (no allocation, no clock on the uncontended path); call it
     * in long CPU loops. Under the emulated GIL another thread may take the lock here.
     *
     * @throws CancellationException if the task has been cancelled (or has timed out); let it propagate
     */
    void checkpoint();

    /**
     * Runs a call that waits (I/O, a lock, a child process). The GIL backend releases the lock around it; the loop
     * backend lets other tasks run meanwhile. Interrupted if the task is cancelled and the backend interrupts.
     *
     * @return what the call returned
     * @throws Exception            what the call threw
     * @throws CancellationException if the task was cancelled before the call started
     */
    <R> R blocking(Callable<R> call) throws Exception;

    /**
     * Waits for {@code duration} without using a CPU (and without holding the GIL). Returns early, throwing, if the
     * task is cancelled meanwhile.
     *
     * @throws CancellationException if the task is cancelled before or during the sleep
     * @throws IllegalArgumentException if the duration is negative
     */
    void sleep(Duration duration);

    /** Whether cancellation (or a timeout) has been requested for this task. Never blocks. */
    boolean isCancelled();
}
