package io.stratagem.async;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.async.internal.Admission;
import io.stratagem.async.internal.ContextSnapshot;
import io.stratagem.async.internal.PinningMonitor;
import io.stratagem.async.internal.StepClock;
import io.stratagem.async.internal.TaskStatsTable;
import io.stratagem.async.internal.VirtualTaskContext;
import io.stratagem.spi.AbstractStrategy;
import io.stratagem.spi.TaskRun;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The {@link Backend#ASYNC} backend: every task runs on its own virtual thread, written in blocking style;
 * {@code ctx.sleep} and {@code ctx.blocking} park the virtual thread without holding a carrier thread.
 *
 * <h2>Modes</h2>
 * <ul>
 *   <li>{@link Mode#PARALLEL} (default, {@link Semantics#JVM}): tasks' CPU work spreads over all carrier threads.</li>
 *   <li>{@link Mode#LOOP} ({@link Semantics#PYTHON}, asyncio-faithful): a single fair "running" permit; a task holds it
 *       while it computes and hands it over only when it waits ({@code ctx.sleep}, {@code ctx.blocking}; await a
 *       future with {@code ctx.blocking(future::get)}). Exactly one task runs at a time, so CPU work in one task
 *       stalls all others, as in Python. {@code ctx.checkpoint()} is a cancellation check, not a switch point.</li>
 * </ul>
 *
 * <h2>Admission</h2>
 * With a concurrency limit, at most that many tasks have started and not ended; further tasks wait in a bounded
 * queue, and a full queue either rejects {@code submit} ({@link FullQueuePolicy#REJECT}, the default, so
 * {@code submit} never blocks) or blocks it ({@link FullQueuePolicy#BLOCK}). Without a limit every task starts at once.
 *
 * <h2>Diagnostics</h2>
 * {@link #misplacedTasks()} lists task names whose busy time dominates their run time (the classifier's hook). With
 * {@code debug(true)}, a LOOP-mode step holding the permit longer than {@code slowStepThreshold} is logged at WARN
 * (and passed to the slow-step listener), and carrier-thread pinning is reported from JFR's
 * {@code jdk.VirtualThreadPinned} events.
 *
 * <p>Thread-safe. {@code submit} never blocks unless the policy is {@code BLOCK}.
 */
public final class AsyncStrategy extends AbstractStrategy {

    /** How tasks share the CPU. */
    public enum Mode {
        /** Tasks run in parallel on all carrier threads (the JVM-native default). */
        PARALLEL,
        /** One task runs at a time; control changes hands only when the running task waits (asyncio). */
        LOOP
    }

    /** What {@code submit} does when the concurrency limit is reached and the queue is full. */
    public enum FullQueuePolicy {
        /** Throw {@link java.util.concurrent.RejectedExecutionException} at once. */
        REJECT,
        /** Block the submitting thread (interruptibly) until there is room. */
        BLOCK
    }

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Mode mode;
    private final Admission admission;
    private final TaskStatsTable stats = new TaskStatsTable();
    private final VirtualTaskContext.Env env;
    private final ThreadFactory threads;
    private final PinningMonitor pinning;

    private AsyncStrategy(Builder b) {
        super(b.name, Backend.ASYNC, b.mode == Mode.LOOP ? Semantics.PYTHON : Semantics.JVM);
        this.mode = b.mode;
        Semaphore permit = b.mode == Mode.LOOP ? new Semaphore(1, true) : null;
        StepClock stepClock = new StepClock(b.name, b.debug, b.slowStepThreshold, b.slowStepListener, "async-strategy");
        // one shared name per strategy: a per-thread name would cost a String for each of a million tasks
        this.threads = Thread.ofVirtual().name(b.name).factory();
        this.admission = new Admission(b.name, b.concurrencyLimit, b.queueCapacity,
                b.fullQueuePolicy == FullQueuePolicy.BLOCK, this::startWorker);
        this.env = new VirtualTaskContext.Env(permit, stepClock, stats, admission);
        this.pinning = b.debug ? PinningMonitor.start(b.name, b.slowStepThreshold) : null;
    }

    /** A strategy with the defaults: {@link Mode#PARALLEL}, no concurrency limit, not in debug mode. */
    public static Strategy create() {
        return builder().build();
    }

    /** A builder for a configured strategy. */
    public static Builder builder() {
        return new Builder();
    }

    /** This strategy's mode. */
    public Mode mode() {
        return mode;
    }

    /**
     * Task names whose busy time was at least half their run time, over tasks that ended so far, worst first; only
     * names with at least {@code 1 ms} of busy time per task on average (trivial tasks are not misplaced). Never blocks.
     */
    public List<MisplacedTask> misplacedTasks() {
        return stats.misplaced(0.5, Duration.ofMillis(1));
    }

    /** How many carrier-pinning events were reported (always 0 unless in debug mode). */
    public long pinnedEvents() {
        return pinning == null ? 0 : pinning.count();
    }

    // ---- AbstractStrategy --------------------------------------------------------------------------------------

    @Override
    protected void dispatch(TaskRun<?> run) {
        admission.admit(VirtualTaskContext.of(run, env, ContextSnapshot.capture()));
    }

    @Override
    public void withdrawn(TaskRun<?> run) {
        admission.withdraw(run);
    }

    @Override
    protected void release() {
        if (pinning != null) {
            pinning.close();
        }
    }

    @Override
    protected boolean awaitReleased(long nanos) throws InterruptedException {
        return admission.awaitNoWorkers(nanos);
    }

    private void startWorker(Runnable body) {
        threads.newThread(body).start();
    }

    /**
     * Builds an {@link AsyncStrategy}. Not thread-safe; {@link #build()} validates every field.
     */
    public static final class Builder {
        private String name = "stratagem-async-" + INSTANCES.incrementAndGet();
        private Mode mode = Mode.PARALLEL;
        private int concurrencyLimit;
        private int queueCapacity = 100_000;
        private FullQueuePolicy fullQueuePolicy = FullQueuePolicy.REJECT;
        private Duration slowStepThreshold = Duration.ofMillis(100);
        private boolean debug;
        private Consumer<SlowStep> slowStepListener = s -> { };

        private Builder() {
        }

        /** A name for logs and thread names (default {@code stratagem-async-N}). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** {@link Mode#PARALLEL} (default) or {@link Mode#LOOP}. */
        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /** At most this many tasks started and not ended at once; 0 (default) for no limit. Range 0..1,000,000. */
        public Builder concurrencyLimit(int limit) {
            this.concurrencyLimit = limit;
            return this;
        }

        /** How many tasks may wait for a slot when a limit is set (default 100,000). Range 1..10,000,000. */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /** What {@code submit} does when the queue is full (default {@link FullQueuePolicy#REJECT}). */
        public Builder fullQueuePolicy(FullQueuePolicy policy) {
            this.fullQueuePolicy = policy;
            return this;
        }

        /** In debug mode, a LOOP step longer than this is reported (default 100 ms). Range 1 ms..1 h. */
        public Builder slowStepThreshold(Duration threshold) {
            this.slowStepThreshold = threshold;
            return this;
        }

        /** Debug mode: slow LOOP steps and carrier pinning are logged at WARN (default off). */
        public Builder debug(boolean debug) {
            this.debug = debug;
            return this;
        }

        /** Also receives every slow step reported in debug mode (default: none); called on the task's thread. */
        public Builder slowStepListener(Consumer<SlowStep> listener) {
            this.slowStepListener = listener;
            return this;
        }

        /**
         * A new strategy.
         *
         * @throws IllegalArgumentException naming the field, its value and the accepted range, if one is invalid
         */
        public AsyncStrategy build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, was '" + name + "'");
            }
            if (mode == null) {
                throw new IllegalArgumentException("mode must be PARALLEL or LOOP, was null");
            }
            if (concurrencyLimit < 0 || concurrencyLimit > 1_000_000) {
                throw new IllegalArgumentException(
                        "concurrencyLimit must be between 0 (no limit) and 1000000, was " + concurrencyLimit);
            }
            if (queueCapacity < 1 || queueCapacity > 10_000_000) {
                throw new IllegalArgumentException("queueCapacity must be between 1 and 10000000, was " + queueCapacity);
            }
            if (fullQueuePolicy == null) {
                throw new IllegalArgumentException("fullQueuePolicy must be REJECT or BLOCK, was null");
            }
            if (slowStepThreshold == null || slowStepThreshold.compareTo(Duration.ofMillis(1)) < 0
                    || slowStepThreshold.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(
                        "slowStepThreshold must be between 1 ms and 1 h, was " + slowStepThreshold);
            }
            if (slowStepListener == null) {
                throw new IllegalArgumentException("slowStepListener must not be null");
            }
            return new AsyncStrategy(this);
        }
    }
}
