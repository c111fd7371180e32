package io.stratagem.gil.internal.sim;

import io.stratagem.gil.internal.Substrate;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.Semaphore;

/**
 * A deterministic discrete-event substrate: a virtual clock and scripted threads of which exactly one runs at a time.
 *
 * <h2>Implementation overview</h2>
 * Each simulated thread is a real platform thread that runs only while it holds the baton: the scheduler pops the
 * earliest event (time, then sequence number), sets the clock, hands the baton to that event's thread and waits until
 * the thread yields it back (by waiting, parking or burning CPU past the next event) or finishes. Threads take no
 * virtual time except in {@link #burn} and {@link #park}, so the model has as many cores as threads; what makes
 * races is {@code wakeLatency}, the virtual delay between a signal and the woken thread running (a JVM-like value is
 * tens of microseconds; a CPython-on-Linux-like value a few). Timed waits expire {@code timerSlack} late.
 * Conditions wake their longest waiter first (as AQS does), or a seeded-random one; {@link #chooseSleeper} applies the
 * same seeded choice to the GIL's own wait queue, and a signal to a waiter still running resumes it at once, without
 * the wake latency. Because only the baton holder runs, a mutex is never
 * contended: it is only checked.
 *
 * <p>A scheduler loop with nothing to run while threads are still unfinished is a deadlock, reported as such.
 */
public final class SimSubstrate implements Substrate {

    private static final long UNTIMED = Long.MAX_VALUE / 8;

    private final long wakeLatency;
    private final long timerSlack;
    private final long awakeWindow;
    private final java.util.Random wakeOrder;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Semaphore schedulerTurn = new Semaphore(0);
    private long now;
    private long seq;
    private SimThread running;

    /**
     * @param wakeOrderSeed null: conditions wake their longest waiter first (AQS); otherwise a waiter chosen by a
     *                      random generator with this seed (pthread and futex make no ordering promise)
     */
    public SimSubstrate(long wakeLatencyNanos, long timerSlackNanos, Long wakeOrderSeed) {
        this(wakeLatencyNanos, timerSlackNanos, wakeOrderSeed, 0);
    }

    /**
     * @param awakeWindowNanos how long a thread that entered a wait still counts as running (see
     *                         {@link #awakeWindowNanos()}); 0, the default, puts it to sleep at once
     */
    public SimSubstrate(long wakeLatencyNanos, long timerSlackNanos, Long wakeOrderSeed, long awakeWindowNanos) {
        if (awakeWindowNanos < 0) {
            throw new IllegalArgumentException("awakeWindow must be >= 0, was " + awakeWindowNanos);
        }
        this.awakeWindow = awakeWindowNanos;
        this.wakeOrder = wakeOrderSeed == null ? null : new java.util.Random(wakeOrderSeed);
        if (wakeLatencyNanos < 0 || timerSlackNanos < 0) {
            throw new IllegalArgumentException("wakeLatency and timerSlack must be >= 0, were " + wakeLatencyNanos
                    + " and " + timerSlackNanos);
        }
        this.wakeLatency = wakeLatencyNanos;
        this.timerSlack = timerSlackNanos;
    }

    private record Event(long time, long seq, SimThread thread, long token, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    // ---- scheduler side ------------------------------------------------------------------------------------------

    void schedule(SimThread t, long at) {
        events.add(new Event(at, seq++, t, t.token, null));
    }

    /** Runs {@code action} on the scheduler at virtual time {@code at} (a message arriving, a timer). */
    public void at(long at, Runnable action) {
        events.add(new Event(at, seq++, null, 0, action));
    }

    /** Runs until every thread has finished; fails on a deadlock or when virtual time passes {@code limitNanos}. */
    void runUntilDone(java.util.List<SimThread> threads, long limitNanos) {
        while (true) {
            Event e = events.poll();
            if (e == null) {
                break;
            }
            if (e.thread != null && (e.token != e.thread.token || e.thread.finished)) {
                continue; // a cancelled timeout
            }
            if (e.time > limitNanos) {
                throw new IllegalStateException("simulation ran past its limit of " + limitNanos + " ns");
            }
            now = e.time;
            if (e.action != null) {
                e.action.run();
                continue;
            }
            running = e.thread;
            e.thread.go.release();
            schedulerTurn.acquireUninterruptibly();
            running = null;
            for (SimThread t : threads) {
                if (t.failure != null) {
                    throw new IllegalStateException("simulated thread " + t.name + " failed at " + now + " ns",
                            t.failure);
                }
            }
        }
        StringBuilder stuck = new StringBuilder();
        for (SimThread t : threads) {
            if (!t.finished) {
                stuck.append(' ').append(t.name);
            }
        }
        if (!stuck.isEmpty()) {
            throw new IllegalStateException("deadlock at " + now + " ns: nothing scheduled, still blocked:" + stuck);
        }
    }

    // ---- thread side ---------------------------------------------------------------------------------------------

    /** Gives the baton back and waits to be resumed. */
    void yieldBaton(SimThread me) {
        schedulerTurn.release();
        me.go.acquireUninterruptibly();
    }

    void finished(SimThread me) {
        me.finished = true;
        schedulerTurn.release();
    }

    private SimThread me() {
        SimThread t = running;
        if (t == null || t.thread != Thread.currentThread()) {
            throw new IllegalStateException("simulated operation outside a simulated thread");
        }
        return t;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void park(long nanos) {
        SimThread me = me();
        me.token++;
        schedule(me, now + Math.max(0, nanos));
        yieldBaton(me);
    }

    @Override
    public void burn(long nanos) {
        SimThread me = me();
        long until = now + Math.max(0, nanos);
        Event next = peekLive();
        if (next == null || next.time > until) {
            now = until; // nothing else happens meanwhile: no need to give the baton away
            return;
        }
        me.token++;
        schedule(me, until);
        yieldBaton(me);
    }

    private Event peekLive() {
        while (true) {
            Event e = events.peek();
            if (e == null || e.thread == null || (e.token == e.thread.token && !e.thread.finished)) {
                return e;
            }
            events.poll();
        }
    }

    @Override
    public long awakeWindowNanos() {
        return awakeWindow;
    }

    @Override
    public int chooseSleeper(int n) {
        return wakeOrder == null ? 0 : wakeOrder.nextInt(n);
    }

    @Override
    public boolean isReal() {
        return false;
    }

    /** Virtual now, for scripts. */
    public long now() {
        return now;
    }

    @Override
    public Mutex newMutex() {
        return new SimMutex();
    }

    private final class SimMutex implements Mutex {
        private SimThread owner;

        @Override
        public void lock() {
            SimThread me = running;
            if (owner != null && owner != me) {
                throw new IllegalStateException("simulated mutex held by " + owner.name + " while " + me.name
                        + " runs: a thread yielded while holding it");
            }
            owner = me;
        }

        @Override
        public void unlock() {
            owner = null;
        }

        @Override
        public Cond newCond() {
            return new SimCond(this);
        }
    }

    private final class SimCond implements Cond {
        private final SimMutex mutex;
        private final ArrayDeque<SimThread> waiters = new ArrayDeque<>();

        SimCond(SimMutex mutex) {
            this.mutex = mutex;
        }

        @Override
        public long awaitNanos(long nanos) {
            SimThread me = me();
            long deadline = nanos >= UNTIMED ? Long.MAX_VALUE : now + nanos;
            me.token++;
            me.signalled = false;
            waiters.addLast(me);
            if (deadline != Long.MAX_VALUE) {
                schedule(me, deadline + timerSlack);
            }
            mutex.owner = null;
            yieldBaton(me);
            mutex.owner = me;
            if (!me.signalled) {
                waiters.remove(me);
                return 0;
            }
            return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - now;
        }

        @Override
        public void signal() {
            if (waiters.isEmpty()) {
                return;
            }
            SimThread w;
            if (wakeOrder == null || waiters.size() == 1) {
                w = waiters.pollFirst();
            } else {
                int k = wakeOrder.nextInt(waiters.size());
                java.util.Iterator<SimThread> it = waiters.iterator();
                w = it.next();
                for (int i = 0; i < k; i++) {
                    w = it.next();
                }
                it.remove();
            }
            wake(w);
        }

        @Override
        public void signalRunning() {
            SimThread w = waiters.pollFirst();
            if (w != null) {
                w.signalled = true;
                w.token++;
                schedule(w, now);
            }
        }

        @Override
        public void signalAll() {
            while (!waiters.isEmpty()) {
                wake(waiters.pollFirst());
            }
        }

        private void wake(SimThread w) {
            w.signalled = true;
            w.token++;
            schedule(w, now + wakeLatency);
        }
    }
}
