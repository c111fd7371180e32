package io.stratagem.gil.internal;

import io.stratagem.gil.GilClosedException;
import io.stratagem.gil.GilStats;
import io.stratagem.gil.GilTimeline;
import io.stratagem.gil.GlobalInterpreterLock;
import io.stratagem.gil.GlobalInterpreterLock.Mode;

import java.util.concurrent.Callable;

/**
 * The GIL policy: CPython's {@code take_gil} / {@code drop_gil} (3.2 to 3.14) written against a {@link Substrate}, so
 * the same code runs on platform threads and in the deterministic simulator. This class is what the rest of the module
 * holds (the public lock, the simulator, the watchdog, the GC monitor, every {@link Attachment}) and what a thread's
 * handle does: attach and detach, the checkpoint's slow path and {@code releasing}, in each {@link Mode}, with their
 * misuse checks. The take/drop state machine, with its overview and invariants, is {@link TakeDropProtocol}; what the
 * lock reports (stats, timeline, the watchdog's sample) is {@link LockReadouts}.
 */
public final class GilCore {

    /** Why a thread dropped the lock. */
    public enum Cause { FORCED, VOLUNTARY, TICK, FINAL }

    /** Why a thread takes the lock (for the wait histograms). */
    enum Context { ATTACH, AFTER_FORCED, AFTER_RELEASING, AFTER_TICK }

    private final Substrate sub;
    private final String name;
    private final Mode mode;
    private final int legacyCheckInterval;
    private final GlobalInterpreterLock facade;
    private final TakeDropProtocol protocol;
    private final LockReadouts readouts;
    private final Substrate.Mutex m;
    private final Ledger ledger;
    private final ThreadLocal<Attachment> current = new ThreadLocal<>();

    public GilCore(Substrate sub, String name, Mode mode, long intervalNanos, boolean forceSwitching,
                   int legacyCheckInterval, int timelineCapacity, Probe probe, GlobalInterpreterLock facade) {
        this.sub = sub;
        this.name = name;
        this.mode = mode;
        this.legacyCheckInterval = legacyCheckInterval;
        this.facade = facade;
        this.protocol = new TakeDropProtocol(sub, name, mode, intervalNanos, forceSwitching, timelineCapacity, probe);
        this.readouts = new LockReadouts(sub, mode, protocol);
        this.m = protocol.m;
        this.ledger = protocol.ledger;
    }

    Substrate substrate() {
        return sub;
    }

    GlobalInterpreterLock facade() {
        return facade;
    }

    public Mode mode() {
        return mode;
    }

    public String name() {
        return name;
    }

    public long intervalNanos() {
        return protocol.intervalNanos();
    }

    /** Takes effect at the next wait that starts (a running wait keeps its interval, as in CPython). */
    public void setIntervalNanos(long nanos) {
        protocol.setIntervalNanos(nanos);
    }

    // ---- attach / detach -------------------------------------------------------------------------------------------

    /** Attaches the calling thread and takes the lock (GIL modes). */
    public Attachment attach() {
        if (current.get() != null) {
            throw new IllegalStateException("thread " + Thread.currentThread().getName()
                    + " is already attached to the GIL '" + name + "'; detach (close) the first handle first");
        }
        Thread t = Thread.currentThread();
        Attachment a;
        m.lock();
        try {
            protocol.ensureOpen();
            ThreadRecord r = ledger.recordOf(t);
            a = new Attachment(this, t, r, Attachment.NOT_HOLDING | (mode == Mode.LEGACY_TICKS ? Attachment.LEGACY : 0));
            a.ticks = legacyCheckInterval;
            a.stateSince = sub.nanoTime();
            ledger.attached(a);
        } finally {
            m.unlock();
        }
        current.set(a);
        try {
            protocol.take(a, Context.ATTACH);
        } catch (RuntimeException | Error e) {
            forget(a);
            throw e;
        }
        return a;
    }

    void detach(Attachment a) {
        checkOwner(a);
        if (a.state == Attachment.DETACHED) {
            forget(a); // e.g. detached by a close() of the lock while waiting
            return;
        }
        if (a.inReleasing) {
            throw new IllegalStateException("close() inside releasing(): detach after the blocking call returns");
        }
        if (mode == Mode.FREE_THREADED) {
            ledger.transition(a, Attachment.DETACHED, sub.nanoTime());
            a.setBits(Attachment.NOT_HOLDING);
        } else {
            protocol.drop(a, Cause.FINAL);
        }
        forget(a);
    }

    private void forget(Attachment a) {
        current.remove();
        m.lock();
        try {
            ledger.detached(a);
            a.state = Attachment.DETACHED;
        } finally {
            m.unlock();
        }
    }

    // ---- a handle's checkpoint slow path and releasing --------------------------------------------------------------

    void checkpointSlow(Attachment a, int s) {
        checkOwner(a);
        if ((s & Attachment.NOT_HOLDING) != 0) {
            throw new IllegalStateException(a.inReleasing
                    ? "checkpoint() inside releasing(): the thread does not hold the GIL there"
                    : "checkpoint() on a thread that is not attached to the GIL '" + name + "'");
        }
        if ((s & Attachment.LEGACY) != 0) {
            if (--a.ticks <= 0) {
                a.ticks = legacyCheckInterval;
                protocol.drop(a, Cause.TICK);
                protocol.take(a, Context.AFTER_TICK);
            }
        } else if ((s & Attachment.REQUEST) != 0) {
            protocol.drop(a, Cause.FORCED);
            protocol.take(a, Context.AFTER_FORCED);
        }
    }

    <T> T releasing(Attachment a, Callable<T> call) throws Exception {
        checkOwner(a);
        if (a.inReleasing) {
            throw new IllegalStateException("releasing() inside releasing(): the GIL is already released here");
        }
        if (a.state == Attachment.DETACHED) {
            throw new IllegalStateException("releasing() on a thread that is not attached to the GIL '" + name + "'");
        }
        if (mode == Mode.FREE_THREADED) {
            a.inReleasing = true;
            a.setBits(Attachment.NOT_HOLDING);
            ledger.transition(a, Attachment.RELEASED, sub.nanoTime());
            try {
                return call.call();
            } finally {
                a.inReleasing = false;
                ledger.transition(a, Attachment.HOLDING, sub.nanoTime());
                a.clearBits(Attachment.NOT_HOLDING);
            }
        }
        protocol.drop(a, Cause.VOLUNTARY);
        a.inReleasing = true;
        try {
            return call.call();
        } finally {
            a.inReleasing = false;
            protocol.take(a, Context.AFTER_RELEASING);
        }
    }

    // ---- guards ----------------------------------------------------------------------------------------------------

    void checkHolding(Attachment a, String what) {
        checkOwner(a);
        if (a.state != Attachment.HOLDING || a.inReleasing) {
            throw new IllegalStateException(what + " needs the GIL held: the thread is "
                    + (a.inReleasing ? "inside releasing()" : "not attached"));
        }
    }

    private static void checkOwner(Attachment a) {
        if (Thread.currentThread() != a.thread) {
            throw new IllegalStateException("a GilThread handle is confined to the thread that attached ("
                    + a.name + "), used from " + Thread.currentThread().getName());
        }
    }

    // ---- lifecycle (TakeDropProtocol), stats, timeline and the watchdog's sample (LockReadouts) ---------------------

    /** Marks the lock closed and wakes every waiter, which then fails with {@link GilClosedException}. */
    public void close() {
        protocol.close();
    }

    public boolean isClosed() {
        return protocol.isClosed();
    }

    /** Records a GC pause that ended at {@code endNanos} (substrate time). */
    public void recordGc(String collector, long durationNanos, long endNanos) {
        readouts.recordGc(collector, durationNanos, endNanos);
    }

    public void resetStats() {
        readouts.resetStats();
    }

    public GilStats stats() {
        return readouts.stats();
    }

    public GilTimeline timeline() {
        return readouts.timeline();
    }

    /** What the watchdog samples: runs {@code check} with m held, passing the holder (or null) and its hold start. */
    void inspect(Watchdog.Check check) {
        readouts.inspect(check);
    }
}
