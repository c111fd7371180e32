package io.stratagem.gil.internal.sim;

import io.stratagem.gil.GilStats;
import io.stratagem.gil.GilThread;
import io.stratagem.gil.GilTimeline;
import io.stratagem.gil.GlobalInterpreterLock.Mode;
import io.stratagem.gil.internal.GilCore;
import io.stratagem.gil.internal.Probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One deterministic experiment: a {@link GilCore} (the same policy code as the real lock) on a {@link SimSubstrate},
 * and scripted threads that attach at given virtual times, run their script with a {@link GilThread} handle (whose
 * {@code cpu}, {@code sleep} and {@code uninterruptible} spend virtual time), and detach. Runs to completion on
 * {@link #run()}; the same inputs always give the same numbers. Single use, not thread-safe.
 */
public final class Simulation {

    private final SimSubstrate sub;
    private final GilCore core;
    private final List<SimThread> threads = new ArrayList<>();
    private final List<Runnable> starts = new ArrayList<>();
    private final long limitNanos;
    private boolean ran;

    private Simulation(Builder b) {
        this.sub = new SimSubstrate(b.wakeLatency, b.timerSlack, b.wakeOrderSeed, b.awakeWindow);
        this.core = new GilCore(sub, "sim", b.mode, Math.max(1_000, b.interval), b.forceSwitching,
                b.legacyCheckInterval, b.timeline ? 1 << 20 : 0, b.probe, null);
        this.limitNanos = b.limit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Adds a thread that attaches at virtual time {@code startAt} and runs {@code script}. */
    public Simulation thread(String name, long startAt, Consumer<GilThread> script) {
        Objects.requireNonNull(script, "script");
        SimThread t = new SimThread(name);
        t.thread = new Thread(() -> {
            t.go.acquireUninterruptibly();
            try (GilThread g = core.attach()) {
                script.accept(g);
            } catch (Throwable e) {
                t.failure = e;
            } finally {
                sub.finished(t);
            }
        }, "sim-" + name);
        t.thread.setDaemon(true);
        threads.add(t);
        starts.add(() -> sub.schedule(t, startAt));
        return this;
    }

    /** Adds a thread that attaches at time 0. */
    public Simulation thread(String name, Consumer<GilThread> script) {
        return thread(name, 0, script);
    }

    /** A blocking call of {@code nanos} for scripts to wrap in {@code releasing} (I/O that really waits). */
    public void block(long nanos) {
        sub.park(nanos);
    }

    /** A one-way message channel whose messages arrive {@code latencyNanos} after being sent. */
    public SimPipe pipe(long latencyNanos) {
        return new SimPipe(sub, latencyNanos);
    }

    /** Virtual now. */
    public long now() {
        return sub.now();
    }

    /** Runs every thread to completion. */
    public GilStats run() {
        if (ran) {
            throw new IllegalStateException("a simulation runs once");
        }
        ran = true;
        starts.forEach(Runnable::run);
        threads.forEach(t -> t.thread.start());
        sub.runUntilDone(threads, limitNanos);
        return core.stats();
    }

    public GilStats stats() {
        return core.stats();
    }

    public GilTimeline timeline() {
        return core.timeline();
    }

    /** Configures a simulation. Defaults: GIL mode, 5 ms interval, forced switching, 10 µs wake latency, no slack, no awake window. */
    public static final class Builder {
        private Mode mode = Mode.GIL;
        private long interval = 5_000_000;
        private boolean forceSwitching = true;
        private int legacyCheckInterval = 100;
        private long wakeLatency = 10_000;
        private long timerSlack;
        private long awakeWindow;
        private Long wakeOrderSeed;
        private boolean timeline;
        private Probe probe;
        private long limit = 600_000_000_000L;

        public Builder mode(Mode m) {
            this.mode = m;
            return this;
        }

        public Builder interval(Duration d) {
            this.interval = d.toNanos();
            return this;
        }

        public Builder forceSwitching(boolean on) {
            this.forceSwitching = on;
            return this;
        }

        public Builder legacyCheckInterval(int ticks) {
            this.legacyCheckInterval = ticks;
            return this;
        }

        /** Virtual delay between a signal and the woken thread running. */
        public Builder wakeLatency(Duration d) {
            this.wakeLatency = d.toNanos();
            return this;
        }

        /** How late timed waits expire. */
        public Builder timerSlack(Duration d) {
            this.timerSlack = d.toNanos();
            return this;
        }

        /**
         * How long a thread that asked for a drop is still running after it re-entered its take wait, so the drop's
         * signal within it goes to that thread at once rather than to the longest sleeper (glibc's condition variable;
         * the real lock uses 10 µs). Default 0: the idealised model where a waiter sleeps at once and the longest
         * sleeper is woken.
         */
        public Builder awakeWindow(Duration d) {
            this.awakeWindow = d.toNanos();
            return this;
        }

        /** Wake a seeded-random waiter on signal instead of the longest waiting one. */
        public Builder randomWakeOrder(long seed) {
            this.wakeOrderSeed = seed;
            return this;
        }

        public Builder timeline(boolean on) {
            this.timeline = on;
            return this;
        }

        public Builder probe(Probe p) {
            this.probe = p;
            return this;
        }

        /** Virtual time after which the run fails as a runaway (default 600 s). */
        public Builder limit(Duration d) {
            this.limit = d.toNanos();
            return this;
        }

        public Simulation build() {
            return new Simulation(this);
        }
    }
}
