package io.stratagem.async.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The event loop's thread and its queues.
 *
 * <h2>Implementation overview</h2>
 * One platform thread runs {@link #loop()}: each iteration (asyncio's {@code _run_once}) moves callbacks posted from
 * other threads ({@code inbox}, lock-free MPSC) to the loop-confined {@code ready} deque, moves due timers there, then
 * runs exactly the callbacks that were ready when the iteration began, in order; callbacks they schedule run in the
 * next iteration, so a callback that keeps rescheduling itself cannot starve timers or other threads' posts. With
 * nothing ready the thread parks until the next timer is due or a post unparks it.
 *
 * <p>Wake-up protocol: the loop writes {@code parked = true}, then re-checks the inbox, then parks; a poster adds to
 * the inbox, then reads {@code parked} and unparks if set. Both are volatile accesses in opposite order (Dekker), so
 * either the loop sees the post or the poster sees the flag; an unpark that arrives before the park is kept as the
 * thread's permit, so no wake-up is lost.
 *
 * <p>Closing: {@code state} moves OPEN -> CLOSING (posts are rejected from then on) -> CLOSED. The loop runs what was
 * already posted, abandons pending timers (their futures end cancelled, so nothing waits forever) and exits.
 */
public final class LoopCore {

    private static final Logger log = LoggerFactory.getLogger(LoopCore.class);
    private static final int OPEN = 0;
    private static final int CLOSING = 1;

    private final String name;
    private final Thread thread;
    private final StepClock clock;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final TimerQueue timers = new TimerQueue();
    private final List<TimerQueue.Timed> due = new ArrayList<>();
    private volatile boolean parked;
    private volatile int state = OPEN;

    public LoopCore(String name, StepClock clock) {
        this.name = name;
        this.clock = clock;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Whether the caller is the loop thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    public Thread thread() {
        return thread;
    }

    public boolean isClosed() {
        return state != OPEN;
    }

    /** Fails unless called on the loop thread. */
    public void checkInLoop(String what) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException(what + " must be called on the loop thread " + name + ", was called on "
                    + Thread.currentThread().getName() + "; post from other threads with callSoonThreadsafe/execute");
        }
    }

    /** Queues {@code r} to run in the next iteration. Loop thread only. */
    public void callSoon(Runnable r) {
        ready.add(r);
    }

    /** Queues {@code r} from any thread. */
    public void post(Runnable r) {
        if (state != OPEN) {
            throw new RejectedExecutionException("event loop " + name + " is closed");
        }
        inbox.add(r);
        if (parked) { // volatile read after the volatile write inside add: see the class comment
            LockSupport.unpark(thread);
        }
    }

    /** Arms a timer. Loop thread only. */
    public void addTimer(long delayNanos, TimerQueue.Timed t) {
        timers.add(System.nanoTime(), delayNanos, t);
    }

    /** Begins closing; the loop thread finishes what was posted and exits. Idempotent. */
    public void close() {
        state = CLOSING;
        LockSupport.unpark(thread);
    }

    /** Waits up to {@code timeoutNanos} for the loop thread to exit. */
    public boolean awaitExit(long timeoutNanos) throws InterruptedException {
        if (inLoop()) {
            return false;
        }
        TimeUnit.NANOSECONDS.timedJoin(thread, timeoutNanos);
        return !thread.isAlive();
    }

    private void loop() {
        log.debug("{}: event loop started", name);
        while (true) {
            for (Runnable r; (r = inbox.poll()) != null; ) {
                ready.add(r);
            }
            long now = System.nanoTime();
            if (timers.size() > 0) {
                timers.drainDue(now, due);
                ready.addAll(due);
                due.clear();
            }
            for (int n = ready.size(); n > 0; n--) {
                runOne(ready.poll());
            }
            if (!ready.isEmpty() || !inbox.isEmpty()) {
                continue;
            }
            if (state != OPEN) {
                break;
            }
            parked = true;
            if (inbox.isEmpty() && state == OPEN) {
                long wait = timers.nanosUntilNext(System.nanoTime());
                if (wait < 0) {
                    LockSupport.park(this);
                } else if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                }
            }
            parked = false;
        }
        List<TimerQueue.Timed> pending = timers.clear();
        for (TimerQueue.Timed t : pending) {
            runOne(t::abandon);
        }
        for (Runnable r; (r = ready.poll()) != null; ) {
            runOne(r); // what abandoning scheduled
        }
        log.debug("{}: event loop closed, {} pending timer(s) abandoned", name, pending.size());
    }

    private void runOne(Runnable r) {
        long t0 = clock.enabled() ? System.nanoTime() : 0;
        try {
            r.run();
        } catch (Throwable t) {
            // the loop's last-resort handler, as asyncio's "Exception in callback": the loop must survive its callbacks
            log.error("{}: exception in callback {}", name, r, t);
        }
        if (t0 != 0) {
            clock.step(r.toString(), System.nanoTime() - t0);
        }
    }
}
