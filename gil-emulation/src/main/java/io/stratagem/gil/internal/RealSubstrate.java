package io.stratagem.gil.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Platform threads and the system clock. The mutex is a non-fair {@link ReentrantLock}: like a pthread mutex, an
 * arriving thread may barge ahead of woken waiters, which is the race CPython's GIL leaves to the OS (no fairness).
 */
public final class RealSubstrate implements Substrate {

    /** The one instance. */
    public static final RealSubstrate INSTANCE = new RealSubstrate();

    // Interrupts swallowed by uninterruptible waits, to be re-asserted once the GIL operation completes.
    private static final ThreadLocal<boolean[]> SWALLOWED = ThreadLocal.withInitial(() -> new boolean[1]);

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
            @Override
            public void lock() {
                lock.lock();
            }

            @Override
            public void unlock() {
                lock.unlock();
            }

            @Override
            public Cond newCond() {
                Condition c = lock.newCondition();
                return new Cond() {
                    @Override
                    public long awaitNanos(long nanos) {
                        try {
                            return c.awaitNanos(nanos);
                        } catch (InterruptedException e) {
                            // CPython's take_gil cannot be interrupted: remember it, report a non-timeout wake-up
                            SWALLOWED.get()[0] = true;
                            return Math.max(1, nanos);
                        }
                    }

                    @Override
                    public void signal() {
                        c.signal();
                    }

                    @Override
                    public void signalAll() {
                        c.signalAll();
                    }

                    @Override
                    public boolean takeInterrupt() {
                        boolean[] b = SWALLOWED.get();
                        boolean was = b[0];
                        b[0] = false;
                        return was;
                    }
                };
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

    @Override
    public boolean isReal() {
        return true;
    }
}
