package io.stratagem.gil.internal;

import java.util.ArrayDeque;

/**
 * The threads waiting in {@code take} for one GIL, and whom a drop's signal wakes: CPython's {@code gil->cond} as
 * glibc's condition variable and the kernel's futex queue behave on Linux, not as {@code AbstractQueuedSynchronizer}.
 *
 * <h2>Why the order matters</h2>
 * An AQS condition hands a signal to its longest waiter. glibc's (2.25+) posts the signal as a token that any waiter
 * of the signalled group may consume, and only then wakes the first sleeper of the futex queue. A waiter that is
 * still on its way to sleep (it unlocked the mutex but has not yet blocked in {@code futex_wait}, whose compare sees
 * the token) consumes it first; the woken sleeper then finds nothing and sleeps again. In CPython that waiter is
 * nearly always the one that just timed out and set the drop request: it re-enters {@code COND_TIMED_WAIT} at once,
 * and the holder, polling the eval breaker every few nanoseconds, signals within the next microsecond unless it had
 * to sleep on {@code gil->mutex} first. So a forced drop goes to its requester, not to an I/O thread that has waited
 * longer. With two or more CPU-bound threads the requester is always a CPU thread (the I/O thread's timer began after
 * the last switch, so it expires after the next one and never asks), which is why CPython's convoy collapses from
 * k = 1 to k = 2 CPU threads where a FIFO signal would not.
 *
 * <h2>Model</h2>
 * Waiters queue in the order they (re-)entered their wait, each on its own condition of the GIL mutex, so the policy
 * chooses whom a signal wakes: the most recent entrant if it is still on its way to sleep, else the longest sleeper
 * (the futex queue's head), or a substrate-chosen sleeper where the simulator is asked to randomise. "Still on its
 * way" means: it re-entered its wait right after asking for a drop, less than the substrate's
 * {@link Substrate#awakeWindowNanos() awake window} ago, and the signalling thread did not itself have to sleep to
 * get the GIL mutex (if it did, everybody else had time to fall asleep; in glibc that is the case where the requester
 * loses). Other waiters (after a lost race, a handoff, a first attach) count as asleep at once: in CPython they fall
 * asleep within about a microsecond, before the few microseconds of bytecode an I/O thread runs between two drops. A waiter re-entering its wait (after a
 * time-out or a lost race) goes to the back, as a new futex waiter does. Guarded by the GIL mutex; no allocation once
 * every attached thread has waited once.
 */
final class WaitQueue {

    /**
     * The real lock's awake window: for how long after a waiter asked for a drop and re-entered its wait a drop
     * counts as having found it still on its way to sleep. In CPython the exchange (request, the holder notices at
     * its next eval-breaker poll, takes the mutex, signals) fits in well under a microsecond, inside the asker's own
     * way to sleep; on the JVM the same path (volatile flag, next checkpoint, mutex, signal) measured p10 2.6 µs and
     * p50 4-6 µs on a 2-core Linux machine when nobody parked, 20-40 µs when the holder had to park for the mutex.
     * 10 µs lies above the first and below the second, so the JVM's slower path does not turn CPython's outcome
     * around. (Making JVM waiters literally spin that long before parking was tried and rejected: it let a CPU
     * thread's handoff wake-up lag so far that behaviour B5 broke.)
     */
    static final long AWAKE_WINDOW_NANOS = 10_000;

    private final Substrate sub;
    private final Substrate.Mutex m;
    private final long awakeWindowNanos;
    private final ArrayDeque<Attachment> queue = new ArrayDeque<>();
    private long awakeWakes;

    WaitQueue(Substrate sub, Substrate.Mutex m, long awakeWindowNanos) {
        this.sub = sub;
        this.m = m;
        this.awakeWindowNanos = awakeWindowNanos;
    }

    /**
     * Queues {@code a} at the back and waits up to {@code nanos} on its own condition; returns the time left.
     * {@code asked}: {@code a} has just found its interval over with no switch and asked for a drop, so it is still
     * on its way to sleep for the awake window (any other waiter counts as asleep at once).
     */
    long await(Attachment a, long nanos, boolean asked) {
        if (a.waitCond == null) {
            a.waitCond = m.newCond();
        }
        long awake = asked ? awakeWindowNanos : 0;
        a.awakeUntil = sub.nanoTime() + awake;
        queue.addLast(a);
        long left = a.waitCond.awaitNanos(nanos);
        queue.remove(a); // still queued after a time-out, an interrupt or a spurious wake-up
        return left;
    }

    /** Wakes one waiter, chosen as described above; returns it, or null if nobody waits. */
    Attachment signalOne() {
        Attachment last = queue.peekLast();
        if (last == null) {
            return null;
        }
        if (!m.ownerSlept() && sub.nanoTime() - last.awakeUntil < 0) {
            queue.pollLast();
            awakeWakes++;
            last.waitCond.signalRunning();
            return last;
        }
        Attachment w = pollSleeper();
        w.waitCond.signal();
        return w;
    }

    private Attachment pollSleeper() {
        int k = queue.size() == 1 ? 0 : sub.chooseSleeper(queue.size());
        if (k == 0) {
            return queue.pollFirst();
        }
        var it = queue.iterator();
        Attachment w = it.next();
        for (int i = 0; i < k; i++) {
            w = it.next();
        }
        it.remove();
        return w;
    }

    /** Wakes every waiter (close, a dead holder reclaimed). */
    void signalAll() {
        for (Attachment w = queue.pollFirst(); w != null; w = queue.pollFirst()) {
            w.waitCond.signal();
        }
    }

    /** Signals that went to a waiter still entering its wait (counted since the last {@link #resetCount()}). */
    long awakeWakes() {
        return awakeWakes;
    }

    void resetCount() {
        awakeWakes = 0;
    }
}
