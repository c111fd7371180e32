package io.stratagem.gil.internal;

import io.stratagem.gil.GilClosedException;
import io.stratagem.gil.GlobalInterpreterLock.Mode;
import io.stratagem.gil.internal.GilCore.Cause;
import io.stratagem.gil.internal.GilCore.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of a {@link GilCore}: CPython's {@code take_gil} / {@code drop_gil} (3.2 to 3.14) written against
 * a {@link Substrate}, so the same code runs on platform threads and in the deterministic simulator. When a thread
 * takes and drops is {@link GilCore}'s (attach, detach, checkpoint, releasing); what the lock reports is
 * {@link LockReadouts}'s.
 *
 * <h2>Implementation overview</h2>
 * State, all guarded by mutex {@code m}: {@code holder} (null when free), {@code lastHolder}, {@code switchNumber},
 * {@code waiters}, {@code closed}. Waiters sleep in a {@link WaitQueue} (each on its own condition, so the policy
 * chooses whom a signal wakes, as glibc does); forced-switching droppers on {@code handoffCond}.
 * <ul>
 *   <li><b>take</b>: while held, sample {@code switchNumber} and wait one full interval in the queue. Only if the
 *       wait timed out, the lock is still held and {@code switchNumber} is unchanged, set the holder's REQUEST bit.
 *       Any other wake-up restarts a full interval (the interval is patience, not a time slice). Then take the lock;
 *       if the taker is not {@code lastHolder}, it becomes it, {@code switchNumber++} and droppers in a handoff wait are
 *       woken. The taker clears its own REQUEST bit.</li>
 *   <li><b>drop</b>: free the lock and signal one waiter: a waiter still entering its wait (the requester of a forced
 *       drop, which re-waited an instant ago) if there is one, else the longest sleeper; no fairness beyond that,
 *       whoever wins the mutex next takes it (see {@link WaitQueue} for why this is CPython's order on Linux). If the
 *       dropper's REQUEST bit is set and the drop is not final, wait until {@code lastHolder} is someone else (forced
 *       switching), bounded by {@code max(4 interval, 10 ms)} and by {@code waiters > 0}, because Java waiters can
 *       disappear (closed lock, dead threads), unlike CPython's.</li>
 *   <li><b>checkpoint</b> ({@link GilCore#checkpointSlow}): one volatile read of the attachment's signal word; the
 *       slow path does drop(FORCED) then take. Legacy mode (&lt;= 3.1) instead counts ticks and, every
 *       {@code legacyCheckInterval} checkpoints, drops and re-takes at once with plain (untimed) waits and no
 *       handoff.</li>
 * </ul>
 * Invariants (checked by property tests through {@link Probe}): I1 at most one holder; I2 {@code switchNumber} grows by
 * one exactly when a different thread takes; I3/I5 every request follows a full interval of waiting with no switch;
 * I4 after a forced drop the next taker is another thread unless the handoff wait timed out (counted); I6 releasing
 * re-takes before returning; I7 free-threaded mode never blocks. Interrupts never end a take (CPython's cannot be
 * interrupted): they are kept and set again afterwards.
 */
final class TakeDropProtocol {

    private static final Logger log = LoggerFactory.getLogger(GilCore.class);
    private static final long UNTIMED = Long.MAX_VALUE / 4;

    private final Substrate sub;
    private final String name;
    private final Mode mode;
    private final boolean forceSwitching;
    private final Probe probe;
    /** The GIL mutex; {@link GilCore} and {@link LockReadouts} use it, and the fields they share below, too. */
    final Substrate.Mutex m;
    final WaitQueue queue;
    private final Substrate.Cond handoffCond;
    private volatile long intervalNanos;

    // ---- guarded by m (LockReadouts also reads holder and holdStart) ----
    Attachment holder;
    private Attachment lastHolder;
    private long switchNumber;
    private int waiters;
    private boolean closed;
    long holdStart;
    final Counters c = new Counters();
    final Ledger ledger;

    TakeDropProtocol(Substrate sub, String name, Mode mode, long intervalNanos, boolean forceSwitching,
                     int timelineCapacity, Probe probe) {
        this.sub = sub;
        this.name = name;
        this.mode = mode;
        this.intervalNanos = intervalNanos;
        this.forceSwitching = forceSwitching;
        this.probe = probe;
        this.m = sub.newMutex();
        this.queue = new WaitQueue(sub, m, sub.awakeWindowNanos());
        this.handoffCond = m.newCond();
        this.ledger = new Ledger(timelineCapacity, sub.nanoTime());
    }

    long intervalNanos() {
        return intervalNanos;
    }

    /** Takes effect at the next wait that starts (a running wait keeps its interval, as in CPython). */
    void setIntervalNanos(long nanos) {
        intervalNanos = Math.max(1_000, nanos);
    }

    // ---- the protocol --------------------------------------------------------------------------------------------

    void take(Attachment a, Context ctx) {
        if (mode == Mode.FREE_THREADED) {
            long now = sub.nanoTime();
            a.record.acquisitions++;
            ledger.transition(a, Attachment.HOLDING, now);
            a.clearBits(Attachment.NOT_HOLDING);
            return;
        }
        m.lock();
        try {
            long waitStart = sub.nanoTime();
            if (closed) {
                a.state = Attachment.DETACHED;
                throw new GilClosedException(name);
            }
            if (ctx == Context.AFTER_RELEASING) {
                c.released.record(waitStart - a.releasedAt);
            }
            ledger.transition(a, Attachment.WAITING, waitStart);
            boolean contended = holder != null;
            if (contended) {
                waitWhileHeld(a);
            }
            long now = sub.nanoTime();
            holder = a;
            holdStart = now;
            boolean switched = a != lastHolder;
            if (switched) {
                lastHolder = a;
                switchNumber++;
                c.switches++;
                handoffCond.signalAll();
            } else if (ctx == Context.AFTER_TICK) {
                c.legacyRetakes++;
            }
            c.acquisitions++;
            a.record.acquisitions++;
            if (contended) {
                c.contendedAcquisitions++;
            }
            c.took(ctx, now - waitStart, intervalNanos);
            ledger.transition(a, Attachment.HOLDING, now);
            a.clearBits(Attachment.REQUEST | Attachment.NOT_HOLDING);
            if (probe != null) {
                probe.onTake(a, now, switched, switchNumber);
            }
        } finally {
            m.unlock();
            if (handoffCond.takeInterrupt()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Step 2 of take_gil, with m held; returns with the lock free. */
    private void waitWhileHeld(Attachment a) {
        waiters++;
        if (probe != null) {
            probe.onBlock(a);
        }
        try {
            boolean asked = false;
            while (holder != null) {
                if (mode == Mode.LEGACY_TICKS) {
                    queue.await(a, UNTIMED, false);
                    ensureOpen();
                    if (holder != null) {
                        c.futileWakeups++;
                    }
                    continue;
                }
                long saved = switchNumber;
                long began = sub.nanoTime();
                long left = queue.await(a, intervalNanos, asked);
                asked = false;
                ensureOpen();
                if (left > 0) {
                    c.nonTimeoutWakeups++;
                    if (holder != null) {
                        c.lostRaces++;
                    }
                    continue;
                }
                c.timedWaitTimeouts++;
                Attachment h = holder;
                if (h == null) {
                    continue;
                }
                if (!h.thread.isAlive()) {
                    reclaimFromDeadHolder(h);
                    continue;
                }
                if (switchNumber != saved) {
                    c.timeoutsWithoutRequest++;
                    continue;
                }
                asked = true; // SET_GIL_DROP_REQUEST, whether or not another waiter already set it
                if ((h.signal & Attachment.REQUEST) == 0) {
                    long now = sub.nanoTime();
                    h.setBits(Attachment.REQUEST);
                    h.requestSetAt = now;
                    c.dropRequests++;
                    ledger.requested(a, h, now);
                    if (probe != null) {
                        probe.onRequest(a, h, began, now);
                    }
                }
            }
        } catch (GilClosedException e) {
            a.state = Attachment.DETACHED;
            throw e;
        } finally {
            waiters--;
            if (waiters == 0) {
                handoffCond.signalAll(); // a dropper waiting for a taker re-checks its guard
            }
        }
    }

    void drop(Attachment a, Cause cause) {
        m.lock();
        try {
            if (holder != a) {
                throw new IllegalStateException("thread " + a.name + " does not hold the GIL '" + name + "'");
            }
            long now = sub.nanoTime();
            holder = null;
            lastHolder = a;
            c.dropped(cause, now - holdStart, a.record);
            a.setBits(Attachment.NOT_HOLDING);
            queue.signalOne();
            if (probe != null) {
                probe.onDrop(a, cause, now);
            }
            if (mode == Mode.GIL && forceSwitching && cause != Cause.FINAL && (a.signal & Attachment.REQUEST) != 0) {
                a.clearBits(Attachment.REQUEST);
                ledger.transition(a, Attachment.HANDOFF, now);
                handoffWait(a, now);
                now = sub.nanoTime();
            }
            a.releasedAt = now;
            ledger.transition(a, cause == Cause.FINAL ? Attachment.DETACHED
                    : cause == Cause.VOLUNTARY ? Attachment.RELEASED : Attachment.WAITING, now);
        } finally {
            m.unlock();
            if (handoffCond.takeInterrupt()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void handoffWait(Attachment a, long began) {
        c.handoffWaits++;
        long deadline = began + Math.max(4 * intervalNanos, 10_000_000L);
        if (probe != null && lastHolder == a && waiters > 0) {
            probe.onBlock(a);
        }
        while (lastHolder == a && waiters > 0 && !closed) {
            long left = deadline - sub.nanoTime();
            if (left <= 0) {
                c.handoffTimeouts++;
                if (probe != null) {
                    probe.onHandoffTimeout(a);
                }
                log.debug("GIL '{}': handoff wait of {} timed out", name, a.name);
                break;
            }
            handoffCond.awaitNanos(left);
        }
        c.handoffWait.record(sub.nanoTime() - began);
    }

    void reclaimFromDeadHolder(Attachment h) {
        long now = sub.nanoTime();
        holder = null;
        lastHolder = h;
        c.heldNanos += now - holdStart;
        c.finalDrops++;
        c.deadHolderReleases++;
        ledger.transition(h, Attachment.DETACHED, now);
        ledger.detached(h);
        queue.signalAll();
        log.error("GIL '{}': thread {} died holding the lock; released it so the other threads can run", name, h.name);
    }

    void ensureOpen() {
        if (closed) {
            throw new GilClosedException(name);
        }
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------------

    /** Marks the lock closed and wakes every waiter, which then fails with {@link GilClosedException}. */
    void close() {
        m.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.signalAll();
            handoffCond.signalAll();
        } finally {
            m.unlock();
        }
    }

    boolean isClosed() {
        m.lock();
        try {
            return closed;
        } finally {
            m.unlock();
        }
    }
}
