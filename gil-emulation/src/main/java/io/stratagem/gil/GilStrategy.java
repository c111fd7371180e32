package io.stratagem.gil;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.spi.AbstractStrategy;
import io.stratagem.spi.TaskRun;
import io.stratagem.gil.internal.GilTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Python's {@code ThreadPoolExecutor} under the GIL: a fixed pool of platform threads ({@code stratagem-gil-N},
 * daemon) that run each task attached to a {@link GlobalInterpreterLock}. The task's
 * {@link io.stratagem.TaskContext#checkpoint()} is the GIL checkpoint (after the cancellation check),
 * {@link io.stratagem.TaskContext#blocking} releases the lock around the call, and
 * {@link io.stratagem.TaskContext#sleep} releases it around the sleep.
 *
 * <p><b>Tasks that never call {@code checkpoint()}</b> hold the lock from start to end, like a C call that does not
 * release the GIL: every other task waits, however long. Turn the {@linkplain Builder#watchdog(boolean) watchdog} on
 * to have such holds reported. Such a task also cannot be cancelled while it runs (cancellation is seen at
 * checkpoints, blocking calls and sleeps).
 *
 * <p>In {@link GlobalInterpreterLock.Mode#FREE_THREADED} mode the threads run in parallel ({@link Semantics#JVM});
 * otherwise they take turns ({@link Semantics#PYTHON}). Thread-safe; {@code submit} never blocks. A task that throws,
 * is cancelled, or kills its attachment with an {@link Error} always leaves the lock released.
 */
public final class GilStrategy extends AbstractStrategy {

    private static final Logger log = LoggerFactory.getLogger(GilStrategy.class);
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final Object STOP = new Object();

    private final GlobalInterpreterLock lock;
    private final boolean ownsLock;
    private final int capacity;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    private GilStrategy(Builder b, GlobalInterpreterLock lock, boolean ownsLock) {
        super(b.name, Backend.GIL_THREADS,
                lock.mode() == GlobalInterpreterLock.Mode.FREE_THREADED ? Semantics.JVM : Semantics.PYTHON);
        this.lock = lock;
        this.ownsLock = ownsLock;
        this.capacity = b.queueCapacity;
        int pool = POOLS.incrementAndGet();
        for (int i = 0; i < b.threads; i++) {
            Thread t = new Thread(this::work, "stratagem-gil-" + (pool == 1 ? "" : pool + "-") + (i + 1));
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        log.info("{}: {} thread(s) under {}", name(), b.threads, lock);
    }

    /** A builder with the defaults: {@code GIL} mode, 5 ms interval, {@code min(32, cores + 4)} threads. */
    public static Builder builder() {
        return new Builder();
    }

    /** The lock the pool's threads run under (for stats and timelines). */
    public GlobalInterpreterLock lock() {
        return lock;
    }

    /** How many pool threads there are. */
    public int threads() {
        return threads.size();
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            throw new RejectedExecutionException(name() + ": the queue is full (capacity " + capacity + ")");
        }
        queue.add(run);
    }

    private void work() {
        while (true) {
            Object next;
            try {
                next = queue.take(); // waiting for work holds no GIL, as a Python worker blocked on its queue
            } catch (InterruptedException e) {
                continue; // a stale interrupt; only STOP ends a worker
            }
            if (next == STOP) {
                return;
            }
            queued.decrementAndGet();
            TaskRun<?> run = (TaskRun<?>) next;
            if (!run.isDone()) { // a withdrawn run is skipped
                runAttached(run);
            }
        }
    }

    private void runAttached(TaskRun<?> run) {
        GilThread g;
        try {
            g = lock.attach();
        } catch (GilClosedException e) {
            if (run.tryStart(Thread.currentThread())) {
                run.fail(e);
            }
            return;
        }
        try {
            run.execute(new GilTaskContext(run, g));
        } catch (Throwable t) {
            log.error("{}: task {} failed with {} on {}; the GIL was released and the worker goes on", name(),
                    run.id(), t, Thread.currentThread().getName(), t);
        } finally {
            g.close();
        }
    }

    @Override
    protected void release() {
        for (int i = 0; i < threads.size(); i++) {
            queue.add(STOP);
        }
        if (ownsLock) {
            lock.close();
        }
    }

    @Override
    protected boolean awaitReleased(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0 && t != Thread.currentThread()) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive() && t != Thread.currentThread()) {
                return false;
            }
        }
        return true;
    }

    /** Configures a {@link GilStrategy}; validated at {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private GlobalInterpreterLock.Mode mode = GlobalInterpreterLock.Mode.GIL;
        private Duration switchInterval = Duration.ofMillis(5);
        private boolean forceSwitching = true;
        private int threads = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        private int queueCapacity = 1_000_000;
        private boolean watchdog;
        private boolean timeline;
        private GlobalInterpreterLock shared;
        private boolean lockSettingsTouched;
        private String name = "gil-threads";

        private Builder() {
        }

        public Builder mode(GlobalInterpreterLock.Mode m) {
            this.mode = Objects.requireNonNull(m, "mode");
            lockSettingsTouched = true;
            return this;
        }

        public Builder switchInterval(Duration d) {
            this.switchInterval = Objects.requireNonNull(d, "switchInterval");
            lockSettingsTouched = true;
            return this;
        }

        public Builder forceSwitching(boolean on) {
            this.forceSwitching = on;
            lockSettingsTouched = true;
            return this;
        }

        /** Pool threads (default {@code min(32, cores + 4)}, like {@code ThreadPoolExecutor}); 1 to 10,000. */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /** Tasks that may wait for a thread (default 1,000,000); {@code submit} beyond it is rejected. */
        public Builder queueCapacity(int n) {
            this.queueCapacity = n;
            return this;
        }

        /** The watchdog of the lock this builder creates (default off). */
        public Builder watchdog(boolean on) {
            this.watchdog = on;
            lockSettingsTouched = true;
            return this;
        }

        /** The timeline of the lock this builder creates (default off). */
        public Builder timeline(boolean on) {
            this.timeline = on;
            lockSettingsTouched = true;
            return this;
        }

        /**
         * Runs the pool under an existing lock shared with other pools or threads (one interpreter's GIL); the
         * strategy does not close it. Excludes the lock settings above.
         */
        public Builder sharedLock(GlobalInterpreterLock lock) {
            this.shared = Objects.requireNonNull(lock, "lock");
            return this;
        }

        /** A name for logs and reports. */
        public Builder name(String n) {
            this.name = Objects.requireNonNull(n, "name");
            return this;
        }

        /**
         * A new strategy with its threads started.
         *
         * @throws IllegalArgumentException naming the field, its value and the accepted range
         */
        public GilStrategy build() {
            if (threads < 1 || threads > 10_000) {
                throw new IllegalArgumentException("threads must be in [1, 10000], was " + threads);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be >= 1, was " + queueCapacity);
            }
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            if (shared != null) {
                if (lockSettingsTouched) {
                    throw new IllegalArgumentException("sharedLock excludes mode, switchInterval, forceSwitching, "
                            + "watchdog and timeline: configure them on the shared lock");
                }
                return new GilStrategy(this, shared, false);
            }
            GlobalInterpreterLock l = GlobalInterpreterLock.builder().mode(mode).switchInterval(switchInterval)
                    .forceSwitching(forceSwitching).watchdog(watchdog).timeline(timeline).name(name).build();
            return new GilStrategy(this, l, true);
        }
    }
}
