package io.stratagem;

import io.stratagem.internal.Backends;
import io.stratagem.internal.MapSupport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where tasks run: one of Python's three concurrency models, behind one interface. Write a {@link Task} once and run it
 * on any backend by changing the line that creates the strategy:
 *
 * <pre>{@code
 * try (Strategy s = Strategy.create(Backend.PROCESS_POOL)) {      // or GIL_THREADS, ASYNC
 *     TaskHandle<Long> h = s.submit(ctx -> fib(35));
 *     long r = h.join();
 * }                                                              // close() waits for submitted work
 * }</pre>
 *
 * <p>Implementations are thread-safe: any thread may submit, cancel or close. Actions before {@code submit}
 * happen-before the task runs; the task's actions happen-before its handle completes.
 *
 * <p>Lifecycle, as {@code concurrent.futures.Executor}: {@link #close()} is {@code shutdown(wait=True)};
 * {@link #shutdownNow()} is {@code shutdown(wait=False, cancel_futures=True)} plus a stop request to running tasks.
 */
public interface Strategy extends AutoCloseable {

    /**
     * Schedules a task. Never waits for the task; a backend configured with a bounded queue and the blocking policy
     * may wait for queue space (see the backend's builder).
     *
     * @throws StrategyClosedException       if this strategy is shut down
     * @throws TaskNotSerializableException  if the task must cross into another process and cannot be serialized
     * @throws RejectedExecutionException    if the backend's bounded queue is full and its policy is to reject
     * @throws NullPointerException          if {@code task} is null
     */
    <T> TaskHandle<T> submit(Task<T> task);

    /**
     * Schedules a task that is stopped (as by {@code cancel(true)}) if it has not finished within {@code timeout} of
     * being submitted; its handle then fails with a {@link TaskTimedOutException}.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    <T> TaskHandle<T> submit(Task<T> task, Duration timeout);

    /**
     * Applies {@code fn} to every input, one task per input, like Python's {@code Executor.map}. The handle's list
     * holds the outputs in input order. If any application fails, the handle fails with the failure of the
     * <em>lowest</em> failing input (the one Python's iterator would raise), as soon as all earlier inputs are done,
     * and the remaining work is cancelled. Cancelling the handle cancels every part. Never waits.
     */
    default <I, O> TaskHandle<List<O>> map(TaskFunction<? super I, ? extends O> fn, List<? extends I> inputs) {
        return map(fn, inputs, 1);
    }

    /**
     * As {@link #map(TaskFunction, List)}, sending inputs in chunks of {@code chunkSize} per task (a hint: in-process
     * backends may ignore it; the process pool uses it to amortise the pipe).
     *
     * @throws IllegalArgumentException if {@code chunkSize} is not positive
     */
    default <I, O> TaskHandle<List<O>> map(TaskFunction<? super I, ? extends O> fn, List<? extends I> inputs,
                                          int chunkSize) {
        return MapSupport.map(this, fn, inputs, chunkSize);
    }

    /** Which backend this is. */
    Backend backend();

    /** The semantics this strategy models. */
    Semantics semantics();

    /**
     * Stops accepting tasks and waits until every submitted task has ended and the backend's threads and processes
     * are gone. If interrupted while waiting, it calls {@link #shutdownNow()}, keeps waiting, and returns with the
     * interrupt status set (as {@code ExecutorService.close()}). Idempotent.
     */
    @Override
    void close();

    /**
     * Stops accepting tasks, cancels every task that has not started, and asks every running task to stop (flag plus
     * interrupt). Does not wait; follow with {@link #close()} or {@link #awaitTermination(Duration)}.
     *
     * @return the tasks that never started, in submission order; their handles are already cancelled
     */
    List<Task<?>> shutdownNow();

    /** Whether {@code close} or {@code shutdownNow} has begun. */
    boolean isShutdown();

    /** Whether this strategy is shut down, every task has ended and the backend's resources are released. */
    boolean isTerminated();

    /**
     * Waits until terminated or the timeout elapses. Does not itself shut down.
     *
     * @return whether it terminated
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /**
     * A strategy on {@code backend} with the default options ({@link Semantics#JVM}).
     *
     * @throws BackendNotAvailableException if that backend's artifact is not on the class path
     */
    static Strategy create(Backend backend) {
        return create(backend, StrategyOptions.defaults());
    }

    /**
     * A strategy on {@code backend} with the given options.
     *
     * @throws BackendNotAvailableException if that backend's artifact is not on the class path
     * @throws IllegalArgumentException     if an option is invalid for that backend
     */
    static Strategy create(Backend backend, StrategyOptions options) {
        return Backends.provider(backend).create(options);
    }

    /**
     * A strategy that places each task on the backend the {@link Classifier} recommends for it, observing tasks
     * that declare no profile; see {@link AutoStrategy}. Creates no backend until a task needs it.
     *
     * @param semantics   the world to model; the backends are created with it
     * @param environment the cores and measured costs to predict with ({@link Environment#measured()})
     */
    static AutoStrategy auto(Semantics semantics, Environment environment) {
        return AutoStrategy.create(semantics, environment);
    }
}
