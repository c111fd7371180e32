package io.stratagem.gil;

import io.stratagem.gil.internal.GcMonitor;
import io.stratagem.gil.internal.GilCore;
import io.stratagem.gil.internal.RealSubstrate;
import io.stratagem.gil.internal.Watchdog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An emulation of CPython's global interpreter lock around platform threads. A thread {@linkplain #attach() attaches}
 * and gets a {@link GilThread}; in {@link Mode#GIL} mode at most one attached thread holds the lock at a time and
 * gives it up only at a {@link GilThread#checkpoint() checkpoint} after another thread has waited a full switch
 * interval, or around {@link GilThread#releasing blocking calls}, exactly as {@code take_gil}/{@code drop_gil} do in
 * CPython 3.2 to 3.14: timed waits of one interval, drop requests only after a full interval with no switch, forced
 * switching with handoff, and no fairness.
 *
 * <p>Several instances are independent locks (a per-interpreter GIL, PEP 684); share one instance to make threads
 * take turns across what would be several interpreters.
 *
 * <p>Thread-safe. {@link #stats()} and {@link #timeline()} take the lock's internal mutex briefly (never the GIL
 * itself). The checkpoint fast path records nothing; all instrumentation sits on the slow paths.
 */
public final class GlobalInterpreterLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GlobalInterpreterLock.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    /** What kind of lock this is. */
    public enum Mode {
        /** CPython 3.2 to 3.14 ("new GIL"): switch interval, drop requests, forced switching. */
        GIL,
        /** CPython &lt;= 3.1: release and re-take every {@code legacyCheckInterval} checkpoints, no handoff. */
        LEGACY_TICKS,
        /** CPython 3.13t/3.14t with the GIL off: take, drop and checkpoint never block. */
        FREE_THREADED
    }

    private final GilCore core;
    private final String name;
    private final Watchdog watchdog;
    private final GcMonitor gcMonitor;

    private GlobalInterpreterLock(Builder b) {
        this.name = b.name != null ? b.name : "gil-" + IDS.incrementAndGet();
        this.core = new GilCore(RealSubstrate.INSTANCE, name, b.mode, b.switchInterval.toNanos(), b.forceSwitching,
                b.legacyCheckInterval, b.timeline ? b.timelineCapacity : 0, null, this);
        this.watchdog = b.watchdog && b.mode != Mode.FREE_THREADED ? new Watchdog(core) : null;
        this.gcMonitor = b.timeline ? new GcMonitor(core) : null;
        warnIfBelowTimerFloor(b.switchInterval);
        log.debug("GIL '{}' created: {}, interval {}, forceSwitching {}", name, b.mode, b.switchInterval,
                b.forceSwitching);
    }

    /** A builder with CPython's defaults: {@link Mode#GIL}, a 5 ms switch interval, forced switching on. */
    public static Builder builder() {
        return new Builder();
    }

    /** A lock with the defaults. */
    public static GlobalInterpreterLock create() {
        return builder().build();
    }

    /**
     * Attaches the calling platform thread and takes the lock, waiting (uninterruptibly) as long as it takes. The
     * handle must be closed by the same thread to detach.
     *
     * @throws IllegalStateException if this thread is already attached to this lock
     * @throws GilClosedException    if the lock is closed
     */
    public GilThread attach() {
        return core.attach();
    }

    /**
     * Starts a named platform thread that attaches, runs {@code body} and detaches, even if the body throws; a
     * failure is logged and then reaches the thread's uncaught-exception handler.
     */
    public Thread start(String threadName, Consumer<GilThread> body) {
        Objects.requireNonNull(threadName, "threadName");
        Objects.requireNonNull(body, "body");
        Thread t = new Thread(() -> {
            try (GilThread g = attach()) {
                body.accept(g);
            } catch (RuntimeException | Error e) {
                log.error("GIL '{}': thread {} failed; its lock was released", name, threadName, e);
                throw e;
            }
        }, threadName);
        t.start();
        return t;
    }

    /** This lock's name (for logs and reports). */
    public String name() {
        return name;
    }

    public Mode mode() {
        return core.mode();
    }

    /** {@code sys._is_gil_enabled()}: false only in {@link Mode#FREE_THREADED}. */
    public boolean isGilEnabled() {
        return core.mode() != Mode.FREE_THREADED;
    }

    /** {@code sys.getswitchinterval()}. */
    public Duration switchInterval() {
        return Duration.ofNanos(core.intervalNanos());
    }

    /**
     * {@code sys.setswitchinterval()}: takes effect for waits that start afterwards. Values below 1 µs are treated
     * as 1 µs, as CPython does; below about 100 µs the JVM's timed waits cannot follow (a warning is logged).
     *
     * @throws IllegalArgumentException if {@code interval} is zero or negative (CPython raises ValueError)
     */
    public void setSwitchInterval(Duration interval) {
        core.setIntervalNanos(validInterval(interval));
        warnIfBelowTimerFloor(interval);
    }

    /** A snapshot of the counters and histograms. */
    public GilStats stats() {
        return core.stats();
    }

    /** A snapshot of the timeline (empty unless the builder turned the timeline on). */
    public GilTimeline timeline() {
        return core.timeline();
    }

    /** Zeroes the counters, histograms and timeline and restarts the start instant. */
    public void resetStats() {
        core.resetStats();
    }

    /**
     * Closes the lock: threads waiting for it, and any thread that tries to take it later, fail with
     * {@link GilClosedException}; a thread holding it keeps running until it next drops. Idempotent; never blocks.
     */
    @Override
    public void close() {
        core.close();
        if (watchdog != null) {
            watchdog.close();
        }
        if (gcMonitor != null) {
            gcMonitor.close();
        }
    }

    @Override
    public String toString() {
        return "GlobalInterpreterLock[" + name + ", " + mode() + ", " + switchInterval() + "]";
    }

    static long validInterval(Duration interval) {
        Objects.requireNonNull(interval, "switchInterval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("switchInterval must be > 0 (like sys.setswitchinterval), was " + interval);
        }
        if (interval.compareTo(Duration.ofSeconds(3600)) > 0) {
            throw new IllegalArgumentException("switchInterval must be at most 1 h, was " + interval);
        }
        return Math.max(1_000, interval.toNanos());
    }

    private void warnIfBelowTimerFloor(Duration interval) {
        if (interval.toNanos() < 100_000) {
            log.warn("GIL '{}': a switch interval of {} is below what JVM timed waits can honour (about 100 us); "
                    + "runs will last about 100-200 us whatever is asked", name, interval);
        }
    }

    /** Configures a {@link GlobalInterpreterLock}; validated at {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private Mode mode = Mode.GIL;
        private Duration switchInterval = Duration.ofMillis(5);
        private boolean forceSwitching = true;
        private int legacyCheckInterval = 100;
        private boolean timeline;
        private int timelineCapacity = 65_536;
        private boolean watchdog;
        private String name;

        private Builder() {
        }

        public Builder mode(Mode m) {
            this.mode = Objects.requireNonNull(m, "mode");
            return this;
        }

        /** The switch interval (default 5 ms); must be &gt; 0 and at most 1 h; below 1 µs counts as 1 µs. */
        public Builder switchInterval(Duration d) {
            this.switchInterval = Objects.requireNonNull(d, "switchInterval");
            return this;
        }

        /** Forced switching with handoff (default true, as always in CPython); false shows why it exists. */
        public Builder forceSwitching(boolean on) {
            this.forceSwitching = on;
            return this;
        }

        /** Legacy mode: checkpoints between release points (default 100, the 2.3-3.1 value); 1 to 1,000,000. */
        public Builder legacyCheckInterval(int ticks) {
            this.legacyCheckInterval = ticks;
            return this;
        }

        /** Records a timeline (default off) and marks GC pauses on it. */
        public Builder timeline(boolean on) {
            this.timeline = on;
            return this;
        }

        /** Events kept per thread when the timeline is on (default 65,536; the oldest are overwritten). */
        public Builder timelineCapacity(int events) {
            this.timelineCapacity = events;
            return this;
        }

        /** Runs a watchdog thread that warns about missing checkpoints and blocking while holding (default off). */
        public Builder watchdog(boolean on) {
            this.watchdog = on;
            return this;
        }

        /** A name for logs, reports and thread names. */
        public Builder name(String n) {
            this.name = Objects.requireNonNull(n, "name");
            return this;
        }

        /**
         * A new lock.
         *
         * @throws IllegalArgumentException naming the field, its value and the accepted range
         */
        public GlobalInterpreterLock build() {
            validInterval(switchInterval);
            if (legacyCheckInterval < 1 || legacyCheckInterval > 1_000_000) {
                throw new IllegalArgumentException("legacyCheckInterval must be in [1, 1000000], was "
                        + legacyCheckInterval);
            }
            if (timelineCapacity < 16 || timelineCapacity > 16_777_216) {
                throw new IllegalArgumentException("timelineCapacity must be in [16, 16777216], was "
                        + timelineCapacity);
            }
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            return new GlobalInterpreterLock(this);
        }
    }
}
