package io.stratagem.process.internal;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Who reads one worker's frames: the parent's side of a leader/follower scheme. At most one thread holds the role at
 * a time: the worker's lifecycle thread ({@link WorkerHandle}), or a <em>helper</em>, a caller about to block in
 * {@code join()} on the one task outstanding at that worker, which then reads the worker's answer itself instead of
 * being woken by the lifecycle thread once that has read it: one thread hand-off less per round trip.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>The lifecycle thread reads while answers are expected ({@code unanswered > 0}) or the process has exited (to
 *       read to the end of its output); otherwise it gives the role up and waits. A frame written to the worker
 *       ({@link #wanted}) wakes it if nobody holds the role: a task sent when no caller joins it is still read.
 *       Except while callers have been joining (a helper took the role since the lifecycle thread last had to read a
 *       lone task itself): then a frame making the only answer expected does not wake it, since the caller about to
 *       join it will read the answer, and the wake-up (a system call on the caller's path, and a thread competing for
 *       the CPUs) would cost that round trip more than the read. The lifecycle thread instead ticks every
 *       {@link #TICK_NANOS} while helpers are active, and takes the role at once if it finds an answer expected and
 *       nobody reading at two ticks in a row (a task nobody joins is read within 1 ms or so; callers then no longer
 *       count as joining until one helps again). After {@link #IDLE_TICKS} ticks without a helper it waits without a
 *       deadline, and frames wake it again.</li>
 *   <li>A helper takes the role only when it is free, reads one batch (up to the point where nothing more is buffered,
 *       as the lifecycle thread does between flushes), and gives it back, waking the lifecycle thread if answers are
 *       still expected. A blocking read thus lasts until the worker next writes, which for the one task outstanding
 *       is its outcome, or its STARTED frame (pushed by the worker's flusher within 1-2 ms of the start).</li>
 *   <li>What a helper meets that ends the stream (its end, a malformed frame, a failed read, an internal error) is
 *       handed to the lifecycle thread, which handles it as if it had read it; nobody takes the role after that.
 *       A helper giving the role back while answers are still expected (its task runs long, or others were sent)
 *       makes the lifecycle thread take it at once.</li>
 * </ul>
 * {@code holder} is volatile so that {@link #wanted()} and {@link #release} can decide without the lock: each side
 * writes one volatile ({@code unanswered}, or {@code holder}) and then reads the other, so at least one of them sees
 * the other's write and the lifecycle thread is never left waiting while an answer is expected. Likewise
 * {@code asleep} against {@link #wanted}'s skipped wake-up: the lifecycle thread sets it, then reads
 * {@code unanswered}; a frame's writer raises {@code unanswered}, then reads {@code asleep}.
 *
 * <p>Thread-safe.
 */
final class ReaderRole {
    /** How often the lifecycle thread looks for a lone answer nobody reads, while callers join (see above). */
    static final long TICK_NANOS = 500_000;
    /** Ticks without a helper after which the lifecycle thread waits without a deadline. */
    static final int IDLE_TICKS = 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile Thread holder;   // written under lock
    private boolean lifecycleWaiting; // guarded by lock
    private boolean exited;           // guarded by lock
    private boolean ended;            // guarded by lock: a helper met the end of the stream
    private Throwable failure;        // guarded by lock: what a helper met instead
    private volatile boolean joining; // helpers have been reading lone answers: a lone frame need not wake anyone
    private volatile boolean asleep;  // written under lock: the lifecycle thread waits without a deadline
    private boolean takeNow;          // guarded by lock: a helper gave the role back with answers expected
    private int helps;                // guarded by lock: roles taken by helpers, for the lifecycle thread's ticks

    /**
     * The lifecycle thread, not holding the role: waits until it should read, and takes the role.
     *
     * @param unanswered the frames the worker still owes an answer to (volatile, raised before {@link #wanted()})
     * @return false if a helper met the end of the stream
     * @throws IOException what a helper met while reading (a {@link FrameException} for a malformed frame)
     */
    boolean awaitTurn(IntSupplier unanswered) throws IOException {
        Thread me = Thread.currentThread();
        boolean unreadLastTick = false;
        int idleTicks = 0;
        int helpsSeen = -1;
        lock.lock();
        try {
            while (true) {
                if (failure instanceof IOException e) {
                    throw e;
                } else if (failure instanceof RuntimeException e) {
                    throw e;
                } else if (failure instanceof Error e) {
                    throw e;
                }
                if (ended) {
                    return false;
                }
                int u = unanswered.getAsInt();
                if (holder == null && (exited || u > 0)) {
                    if (exited || takeNow || u > 1 || !joining || unreadLastTick) {
                        if (!exited && !takeNow && u == 1 && joining) {
                            joining = false; // a lone answer nobody came for: wake up for the next ones at once
                        }
                        takeNow = false;
                        holder = me;
                        return true;
                    }
                    unreadLastTick = true; // a caller may be about to join it: look again next tick
                } else {
                    unreadLastTick = false;
                }
                lifecycleWaiting = true;
                if (joining && idleTicks < IDLE_TICKS) {
                    idleTicks = helps == helpsSeen ? idleTicks + 1 : 0;
                    helpsSeen = helps;
                    changed.awaitNanos(TICK_NANOS);
                } else {
                    asleep = true;
                    if (holder == null && unanswered.getAsInt() > 0) {
                        asleep = false; // raced with a skipped wake-up: look again, now taking the role
                        unreadLastTick = true;
                        lifecycleWaiting = false;
                        continue;
                    }
                    changed.awaitUninterruptibly();
                    asleep = false;
                    idleTicks = 0;
                    unreadLastTick = false;
                }
                lifecycleWaiting = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the lifecycle thread is never interrupted; keep the flag if it is
            throw new IOException("interrupted while waiting to read", e);
        } finally {
            lock.unlock();
        }
    }

    /** The lifecycle thread, at the end of a batch: gives the role up if no answer is expected. True if it did. */
    boolean releaseIfIdle(int unanswered) {
        lock.lock();
        try {
            if (exited || unanswered > 0) {
                return false;
            }
            holder = null;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A frame that the worker will answer was written, raising the count of answers expected to {@code unanswered}:
     * wakes the lifecycle thread if nobody reads, unless callers have been joining and this is the only answer
     * expected (see above).
     */
    void wanted(int unanswered) {
        if (holder != null) {
            return; // whoever holds it reads the answer, or wakes the lifecycle thread when it gives the role up
        }
        if (unanswered == 1 && joining && !asleep) {
            return; // its caller will likely join and read it; if not, the ticking lifecycle thread will
        }
        lock.lock();
        try {
            if (holder == null && lifecycleWaiting) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A helper: takes the role if it is free and the stream has not ended, then, holding it, asks {@code stillUseful}
     * (whether its task is still unanswered: the answer may have been read by the previous holder just before it gave
     * the role up, and then nothing may be coming); if not, gives the role back and returns false.
     */
    boolean tryTake(BooleanSupplier stillUseful, IntSupplier unanswered) {
        if (holder != null) {
            return false;
        }
        lock.lock();
        try {
            if (holder != null || exited || ended || failure != null) {
                return false;
            }
            holder = Thread.currentThread();
            helps++;
            if (!joining) {
                joining = true;
                changed.signal(); // a sleeping lifecycle thread starts ticking (see above)
            }
        } finally {
            lock.unlock();
        }
        if (!stillUseful.getAsBoolean()) {
            release(unanswered);
            return false;
        }
        return true;
    }

    /** A helper gives the role back after a batch; {@code unanswered} is read after the role is free (see above). */
    void release(IntSupplier unanswered) {
        holder = null; // a volatile write before the read of unanswered
        if (unanswered.getAsInt() == 0) {
            return; // a frame written from now on finds the role free and wakes the lifecycle thread itself
        }
        lock.lock();
        try {
            if (holder == null) {
                takeNow = true;
                if (lifecycleWaiting) {
                    changed.signal();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** A helper met the end of the stream ({@code failure} null) or a failure: the lifecycle thread takes over. */
    void handOver(Throwable failure) {
        lock.lock();
        try {
            holder = null;
            if (failure == null) {
                ended = true;
            } else {
                this.failure = failure;
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the lifecycle thread waits without a deadline (for tests). */
    boolean asleep() {
        return asleep;
    }

    /** The worker process has exited: the lifecycle thread reads to the end of its output unless a helper does. */
    void exited() {
        lock.lock();
        try {
            exited = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }
}
