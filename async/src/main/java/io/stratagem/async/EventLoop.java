package io.stratagem.async;

import io.stratagem.async.internal.ContextSnapshot;
import io.stratagem.async.internal.LoopCore;
import io.stratagem.async.internal.StepClock;
import io.stratagem.async.internal.ThreadFuture;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An asyncio-style event loop: one thread runs callbacks in order, timers wait without occupying any thread, and
 * futures ({@link LoopFuture}) complete on the loop so their continuations run there too. Blocking and CPU work is
 * offloaded to virtual threads ({@link #toThread}) or a bounded CPU pool ({@link #toCpu}).
 *
 * <p><b>Thread confinement</b> (as Netty's {@code inEventLoop()}): {@link #callSoon}, {@link #taskGroup} and the
 * methods of {@link AsyncSemaphore}, {@link AsyncQueue} and {@link TaskGroup} must be called on the loop thread and
 * throw {@link IllegalStateException} elsewhere. Every other method is thread-safe; none blocks except
 * {@link #runUntilComplete} and {@link #close}.
 *
 * <p><b>Debug mode</b> (asyncio's {@code loop.set_debug(True)}): a callback that runs longer than the threshold
 * (default 100 ms) is logged at WARN with its name and duration and passed to the slow-callback listener.
 *
 * <p>Happens-before: actions before posting a callback ({@link #execute}, {@link #callLater}) happen-before it runs.
 */
public final class EventLoop implements Executor, AutoCloseable {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name;
    private final LoopCore core;
    private final ThreadFactory offloadThreads;
    private final int cpuThreads;
    private final int cpuQueueCapacity;
    private final ReentrantLock cpuLock = new ReentrantLock();
    private ThreadPoolExecutor cpuPool; // guarded by cpuLock; created on first use

    private EventLoop(Builder b) {
        this.name = b.name;
        this.cpuThreads = b.cpuThreads;
        this.cpuQueueCapacity = b.cpuQueueCapacity;
        this.offloadThreads = Thread.ofVirtual().name(b.name + "-offload-", 1).factory();
        this.core = new LoopCore(b.name, new StepClock(b.name, b.debug, b.slowCallbackThreshold, b.slowCallbackListener,
                "event-loop"));
    }

    /** A running loop with the defaults (not in debug mode). Close it when done. */
    public static EventLoop create() {
        return builder().build();
    }

    /** A builder for a configured loop. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether the caller runs on this loop's thread. */
    public boolean inLoop() {
        return core.inLoop();
    }

    // ---- callbacks and timers ----------------------------------------------------------------------------------

    /**
     * Runs {@code callback} in the next iteration of the loop, after those already scheduled. Loop thread only.
     *
     * @throws IllegalStateException if called from another thread
     */
    public void callSoon(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        core.checkInLoop("callSoon");
        core.callSoon(callback);
    }

    /**
     * Runs {@code callback} on the loop soon, from any thread (asyncio's {@code call_soon_threadsafe}).
     *
     * @throws RejectedExecutionException if the loop is closed
     */
    @Override
    public void execute(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        if (core.inLoop()) {
            core.callSoon(callback);
        } else {
            core.post(callback);
        }
    }

    /** Same as {@link #execute}; asyncio's name. */
    public void callSoonThreadsafe(Runnable callback) {
        execute(callback);
    }

    /**
     * Runs {@code callback} on the loop once {@code delay} has passed (never earlier; at most about 1 ms later when
     * the loop is not busy). From any thread.
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        long nanos = checkDelay(delay);
        TimerEntry e = new TimerEntry(callback);
        onLoop(() -> core.addTimer(nanos, e));
        return e;
    }

    /**
     * A future completed on the loop after {@code delay}; no thread waits meanwhile (asyncio's {@code sleep}).
     * Cancelling it cancels the wait. A zero delay completes it in the next iteration.
     */
    public LoopFuture<Void> sleep(Duration delay) {
        long nanos = checkDelay(delay);
        SleepFuture f = new SleepFuture(this);
        if (nanos == 0) {
            execute(f);
        } else if (core.inLoop()) {
            core.addTimer(nanos, f);
        } else {
            core.post(() -> core.addTimer(nanos, f));
        }
        return f;
    }

    // ---- futures and tasks -------------------------------------------------------------------------------------

    /** A new, incomplete future of this loop. */
    public <T> LoopFuture<T> newFuture() {
        return new LoopFuture<>(this);
    }

    /**
     * Starts {@code body} on the loop in a later iteration (asyncio's {@code create_task}); the task completes with the
     * outcome of the stage the body returns. From any thread.
     */
    public <T> LoopTask<T> spawn(String name, Supplier<? extends CompletionStage<T>> body) {
        LoopTask<T> t = new LoopTask<>(this, name, body);
        execute(t);
        return t;
    }

    /** As {@link #spawn(String, Supplier)} with a generated name. */
    public <T> LoopTask<T> spawn(Supplier<? extends CompletionStage<T>> body) {
        return spawn("task", body);
    }

    /**
     * Runs {@code body} as a task and blocks the calling thread until it ends (asyncio's {@code run_until_complete}).
     * If interrupted, cancels the task and throws.
     *
     * @throws ExecutionException    with the task's failure as cause
     * @throws InterruptedException  if the caller is interrupted while waiting
     * @throws IllegalStateException if called on the loop thread (it would wait for itself)
     */
    public <T> T runUntilComplete(Supplier<? extends CompletionStage<T>> body)
            throws ExecutionException, InterruptedException {
        if (core.inLoop()) {
            throw new IllegalStateException("runUntilComplete must not be called on the loop thread " + name
                    + ": it would wait for itself; compose the stage instead");
        }
        LoopTask<T> t = spawn("main", body);
        try {
            return t.get();
        } catch (InterruptedException e) {
            t.cancel(true);
            throw e;
        }
    }

    // ---- asyncio's toolkit -------------------------------------------------------------------------------------

    /**
     * A future of all results in order (asyncio's {@code gather}). The first failure completes it exceptionally while
     * the other children keep running; cancelling it cancels every child.
     */
    public <T> LoopFuture<List<T>> gather(List<? extends CompletionStage<? extends T>> children) {
        return Combinators.gather(this, children);
    }

    /**
     * A future of every child's {@link Outcome} in order, failures included ({@code gather(...,
     * return_exceptions=True)}); it never fails because a child did. Cancelling it cancels every child.
     */
    public <T> LoopFuture<List<Outcome<T>>> gatherReturningExceptions(List<? extends CompletionStage<? extends T>> children) {
        return Combinators.gatherOutcomes(this, children);
    }

    /**
     * The outcome of {@code work}, or, after {@code timeout}, a {@link java.util.concurrent.TimeoutException} once
     * {@code work} has been cancelled <em>and has stopped</em> (asyncio's {@code wait_for}). Cancelling the result
     * cancels {@code work}.
     */
    public <T> LoopFuture<T> waitFor(CompletionStage<T> work, Duration timeout) {
        return Combinators.waitFor(this, work, checkDelay(timeout));
    }

    /** One future per child, completed in the order the children complete (asyncio's {@code as_completed}). */
    public <T> List<LoopFuture<T>> asCompleted(List<? extends CompletionStage<? extends T>> children) {
        return Combinators.asCompleted(this, children);
    }

    /**
     * Runs {@code body} with a new {@link TaskGroup} (asyncio's {@code async with TaskGroup()}): the result completes
     * when the body's stage and every task spawned in the group have ended. A failing child (or body) cancels the
     * other children and the body; the errors are combined in a {@link TaskGroupException}. Loop thread only.
     */
    public <R> LoopFuture<R> taskGroup(Function<TaskGroup, ? extends CompletionStage<R>> body) {
        core.checkInLoop("taskGroup");
        return TaskGroup.run(this, body);
    }

    /** A semaphore with {@code permits} permits, confined to this loop. */
    public AsyncSemaphore semaphore(int permits) {
        return new AsyncSemaphore(this, permits);
    }

    /** A bounded FIFO queue of {@code capacity} elements, confined to this loop. */
    public <T> AsyncQueue<T> queue(int capacity) {
        return new AsyncQueue<>(this, capacity);
    }

    /**
     * Runs blocking {@code call} on a new virtual thread (asyncio's {@code to_thread}), with the caller's
     * {@link ContextVar} bindings. Cancelling the future interrupts the thread; the future completes when the call
     * has returned.
     */
    public <T> LoopFuture<T> toThread(Callable<T> call) {
        ThreadFuture<T> f = new ThreadFuture<>(this, ContextSnapshot.wrap(ContextSnapshot.capture(), call));
        offloadThreads.newThread(f::runHere).start();
        return f;
    }

    /**
     * Runs CPU-bound {@code call} on the loop's bounded pool of platform threads (default: one per core), with the
     * caller's {@link ContextVar} bindings. Cancelling interrupts it if running.
     *
     * @throws RejectedExecutionException if the pool's queue is full or the loop is closed
     */
    public <T> LoopFuture<T> toCpu(Callable<T> call) {
        ThreadFuture<T> f = new ThreadFuture<>(this, ContextSnapshot.wrap(ContextSnapshot.capture(), call));
        cpuPool().execute(f::runHere);
        return f;
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------------

    /**
     * Stops the loop: later posts are rejected, callbacks already posted still run, pending timers are abandoned
     * (their futures end cancelled, so nothing waits forever), the CPU pool accepts no more work (work already queued
     * still runs, and its future completes on the pool thread); then waits up to a minute for the loop thread to exit
     * (unless called on it). Idempotent.
     */
    @Override
    public void close() {
        core.close();
        cpuLock.lock();
        try {
            if (cpuPool != null) {
                cpuPool.shutdown();
            }
        } finally {
            cpuLock.unlock();
        }
        try {
            core.awaitExit(TimeUnit.MINUTES.toNanos(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether {@link #close()} has begun. */
    public boolean isClosed() {
        return core.isClosed();
    }

    boolean isClosedForCallbacks() {
        return core.isClosed();
    }

    void checkInLoop(String what) {
        core.checkInLoop(what);
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + (core.isClosed() ? ", closed" : "") + "]";
    }

    private void onLoop(Runnable r) {
        if (core.inLoop()) {
            r.run();
        } else {
            core.post(r);
        }
    }

    private ThreadPoolExecutor cpuPool() {
        cpuLock.lock();
        try {
            if (core.isClosed()) {
                throw new RejectedExecutionException("event loop " + name + " is closed");
            }
            if (cpuPool == null) {
                AtomicInteger n = new AtomicInteger();
                cpuPool = new ThreadPoolExecutor(cpuThreads, cpuThreads, 0, TimeUnit.SECONDS,
                        new ArrayBlockingQueue<>(cpuQueueCapacity), r -> {
                            Thread t = new Thread(r, name + "-cpu-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
            }
            return cpuPool;
        } finally {
            cpuLock.unlock();
        }
    }

    private static long checkDelay(Duration d) {
        Objects.requireNonNull(d, "delay");
        if (d.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0, was " + d);
        }
        return d.toNanos();
    }

    /** Builds an {@link EventLoop}. Not thread-safe; {@link #build()} validates every field and starts the loop. */
    public static final class Builder {
        private String name = "stratagem-loop-" + IDS.incrementAndGet();
        private boolean debug;
        private Duration slowCallbackThreshold = Duration.ofMillis(100);
        private Consumer<SlowStep> slowCallbackListener = s -> { };
        private int cpuThreads = Runtime.getRuntime().availableProcessors();
        private int cpuQueueCapacity = 10_000;

        private Builder() {
        }

        /** The loop thread's name (default {@code stratagem-loop-N}). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Debug mode: slow callbacks are logged at WARN (default off). */
        public Builder debug(boolean debug) {
            this.debug = debug;
            return this;
        }

        /** In debug mode, a callback running longer than this is reported (default 100 ms). Range 1 ms..1 h. */
        public Builder slowCallbackThreshold(Duration threshold) {
            this.slowCallbackThreshold = threshold;
            return this;
        }

        /** Also receives every slow callback reported in debug mode; called on the loop thread. */
        public Builder slowCallbackListener(Consumer<SlowStep> listener) {
            this.slowCallbackListener = listener;
            return this;
        }

        /** Platform threads of the CPU pool behind {@link #toCpu} (default: one per core). Range 1..256. */
        public Builder cpuThreads(int threads) {
            this.cpuThreads = threads;
            return this;
        }

        /** Jobs that may wait for the CPU pool before {@link #toCpu} rejects (default 10,000). Range 1..1,000,000. */
        public Builder cpuQueueCapacity(int capacity) {
            this.cpuQueueCapacity = capacity;
            return this;
        }

        /**
         * A new, running loop.
         *
         * @throws IllegalArgumentException naming the field, its value and the accepted range, if one is invalid
         */
        public EventLoop build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, was '" + name + "'");
            }
            if (slowCallbackThreshold == null || slowCallbackThreshold.compareTo(Duration.ofMillis(1)) < 0
                    || slowCallbackThreshold.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(
                        "slowCallbackThreshold must be between 1 ms and 1 h, was " + slowCallbackThreshold);
            }
            if (slowCallbackListener == null) {
                throw new IllegalArgumentException("slowCallbackListener must not be null");
            }
            if (cpuThreads < 1 || cpuThreads > 256) {
                throw new IllegalArgumentException("cpuThreads must be between 1 and 256, was " + cpuThreads);
            }
            if (cpuQueueCapacity < 1 || cpuQueueCapacity > 1_000_000) {
                throw new IllegalArgumentException(
                        "cpuQueueCapacity must be between 1 and 1000000, was " + cpuQueueCapacity);
            }
            return new EventLoop(this);
        }
    }
}
