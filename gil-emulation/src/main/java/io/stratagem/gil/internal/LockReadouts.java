package io.stratagem.gil.internal;

import io.stratagem.gil.GilStats;
import io.stratagem.gil.GilTimeline;
import io.stratagem.gil.GlobalInterpreterLock.Mode;

/**
 * What a {@link GilCore} reports: the {@link GilStats} and {@link GilTimeline} snapshots and their reset, the GC pauses
 * the {@link GcMonitor} marks, and the {@link Watchdog}'s sample of the holder. Each takes the GIL mutex briefly (never
 * the GIL itself) and works on the counters, wait queue and ledger that {@link TakeDropProtocol} records into; none is
 * on the checkpoint's paths.
 */
final class LockReadouts {

    private final Substrate sub;
    private final Mode mode;
    private final TakeDropProtocol protocol;
    private final Substrate.Mutex m;
    private final WaitQueue queue;
    private final Counters c;
    private final Ledger ledger;

    LockReadouts(Substrate sub, Mode mode, TakeDropProtocol protocol) {
        this.sub = sub;
        this.mode = mode;
        this.protocol = protocol;
        this.m = protocol.m;
        this.queue = protocol.queue;
        this.c = protocol.c;
        this.ledger = protocol.ledger;
    }

    /** Records a GC pause that ended at {@code endNanos} (substrate time). */
    void recordGc(String collector, long durationNanos, long endNanos) {
        m.lock();
        try {
            ledger.gc(collector, durationNanos, endNanos);
        } finally {
            m.unlock();
        }
    }

    void resetStats() {
        m.lock();
        try {
            c.reset();
            queue.resetCount();
            ledger.reset(sub.nanoTime());
        } finally {
            m.unlock();
        }
    }

    GilStats stats() {
        m.lock();
        try {
            long now = sub.nanoTime();
            long start = ledger.startNanos();
            long held = c.heldNanos + (protocol.holder != null ? now - Math.max(protocol.holdStart, start) : 0);
            return c.snapshot(mode, protocol.intervalNanos(), now - start, held, queue.awakeWakes(),
                    ledger.threadStats());
        } finally {
            m.unlock();
        }
    }

    GilTimeline timeline() {
        m.lock();
        try {
            return ledger.timeline(sub.nanoTime());
        } finally {
            m.unlock();
        }
    }

    /** What the watchdog samples: runs {@code check} with m held, passing the holder (or null) and its hold start. */
    void inspect(Watchdog.Check check) {
        m.lock();
        try {
            Attachment h = protocol.holder;
            if (h != null && !h.thread.isAlive()) {
                protocol.reclaimFromDeadHolder(h);
                return;
            }
            if (check.warn(h, protocol.holdStart, protocol.intervalNanos(), sub.nanoTime())) {
                c.watchdogWarnings++;
            }
        } finally {
            m.unlock();
        }
    }
}
