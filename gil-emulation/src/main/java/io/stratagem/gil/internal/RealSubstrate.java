package io.stratagem.gil.internal;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Platform threads and the system clock. The mutex is a non-fair {@link ReentrantLock}: like a pthread mutex, an
 * arriving thread may barge ahead of woken waiters, which is the race CPython's GIL leaves to the OS (no fairness).
 * A thread that finds it locked retries for up to {@link #LOCK_SPIN_NANOS} before parking: glibc's lock-wait path
 * (an exchange, then a futex_wait that re-checks the word) likewise takes a mutex released meanwhile without
 * sleeping, which is what lets a GIL holder asked to drop signal while the asking thread is still entering its wait
 * (see {@code WaitQueue}); the JVM's own path to a park is longer, so the window is the same order, not the same
 * instructions. Its conditions are {@link FutexCond}s: a signal unparks the waiter at once, which then re-locks the
 * mutex through the same path, as glibc's condition variable does (an AQS condition would wake it only at the
 * signaller's unlock and re-park it whenever a spinning thread got the lock first).
 */
public final class RealSubstrate implements Substrate {

    /** The one instance. */
    public static final RealSubstrate INSTANCE = new RealSubstrate();

    /** How long {@code Mutex.lock()} retries a held mutex before parking. */
    static final long LOCK_SPIN_NANOS = 10_000;

    private RealSubstrate() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Mutex newMutex() {
        ReentrantLock lock = new ReentrantLock();
        return new Mutex() {
            private boolean slept; // guarded by lock: whether its current owner parked to get it

            @Override
            public void lock() {
                if (lock.tryLock()) {
                    slept = false;
                    return;
                }
                long deadline = System.nanoTime() + LOCK_SPIN_NANOS;
                do {
                    Thread.onSpinWait();
                    if (lock.tryLock()) {
                        slept = false;
                        return;
                    }
                } while (System.nanoTime() - deadline < 0);
                lock.lock();
                slept = true;
            }

            @Override
            public boolean ownerSlept() {
                return slept;
            }

            @Override
            public void unlock() {
                lock.unlock();
            }

            @Override
            public Cond newCond() {
                return new FutexCond(this);
            }
        };
    }

    @Override
    public void park(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(this, left);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    @Override
    public void burn(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }

    /** See {@link WaitQueue#AWAKE_WINDOW_NANOS}. */
    @Override
    public long awakeWindowNanos() {
        return WaitQueue.AWAKE_WINDOW_NANOS;
    }

    @Override
    public boolean isReal() {
        return true;
    }
}
