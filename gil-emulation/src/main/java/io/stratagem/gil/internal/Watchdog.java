package io.stratagem.gil.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.LockSupport;

/**
 * Samples a lock every interval (at least every millisecond) from a daemon thread and warns about the two classic
 * bugs of section 6 of the GIL model: a holder that keeps the lock for more than 10 intervals with a drop request
 * pending (a task that never calls {@code checkpoint()}, like a C call that does not release), and a holder blocked
 * in Java (a monitor, {@code Thread.sleep}, I/O) without {@code releasing()}. Also reclaims the lock from a holder
 * thread that died. One warning per hold.
 */
public final class Watchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    /** The check run under the core's mutex. */
    interface Check {
        boolean warn(Attachment holder, long holdStart, long intervalNanos, long now);
    }

    private final GilCore core;
    private final Thread thread;
    private volatile boolean stop;
    private Attachment warnedHolder;
    private long warnedHoldStart;

    public Watchdog(GilCore core) {
        this.core = core;
        this.thread = new Thread(this::run, "stratagem-gil-watchdog-" + core.name());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (!stop && !core.isClosed()) {
            core.inspect(this::check);
            LockSupport.parkNanos(this, Math.max(1_000_000L, core.intervalNanos()));
        }
    }

    private boolean check(Attachment h, long holdStart, long interval, long now) {
        if (h == null || (h == warnedHolder && holdStart == warnedHoldStart)) {
            return false;
        }
        Thread.State st = h.thread.getState();
        if ((h.signal & Attachment.REQUEST) != 0 && now - h.requestSetAt > 10 * interval) {
            warnedHolder = h;
            warnedHoldStart = holdStart;
            log.warn("GIL '{}': {} has held the lock {} ms with a drop request pending for {} ms: a task that never "
                            + "calls checkpoint() (or a long uninterruptible call) starves every other thread",
                    core.name(), h.name, (now - holdStart) / 1_000_000, (now - h.requestSetAt) / 1_000_000);
            return true;
        }
        if ((st == Thread.State.BLOCKED || st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING)
                && now - holdStart > 2 * interval) {
            warnedHolder = h;
            warnedHoldStart = holdStart;
            log.warn("GIL '{}': {} is {} while holding the lock: wrap blocking calls in releasing() (or use sleep())",
                    core.name(), h.name, st);
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        stop = true;
        LockSupport.unpark(thread);
    }
}
