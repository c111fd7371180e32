package io.stratagem.gil.internal;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real substrate's condition wakes like glibc's {@code pthread_cond_signal}: the waiter is unparked inside
 * {@code signal()}, while the signaller still holds the mutex, and then competes for the mutex itself. (An AQS
 * condition would leave it parked on the condition until the signaller unlocks.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FutexCondTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final long LONG = TimeUnit.SECONDS.toNanos(60);

    @RepeatedTest(20)
    void signal_wakesTheWaiterBeforeTheSignallerUnlocks_andItThenWaitsForTheMutex() throws Exception {
        Substrate.Mutex m = RealSubstrate.INSTANCE.newMutex();
        Substrate.Cond cond = m.newCond();
        AtomicLong left = new AtomicLong();
        AtomicBoolean returned = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            m.lock();
            try {
                left.set(cond.awaitNanos(LONG));
                returned.set(true);
            } finally {
                m.unlock();
            }
        }, "waiter");
        waiter.start();
        await().atMost(PATIENCE).until(() -> LockSupport.getBlocker(waiter) == cond);
        m.lock();
        try {
            cond.signal();
            // still holding the mutex: the waiter has left the condition and now waits for the mutex
            await().atMost(PATIENCE).until(() -> {
                Object b = LockSupport.getBlocker(waiter);
                return b != null && b != cond && waiter.getState() == Thread.State.WAITING;
            });
            assertFalse(returned.get(), "the waiter cannot return before the mutex is free");
        } finally {
            m.unlock();
        }
        waiter.join();
        assertTrue(left.get() > 0, "a signalled wait reports time left, not a time-out");
    }

    @Test
    void aWaitThatTimesOut_reportsNoTimeLeft_andALaterSignalFindsNobody() {
        Substrate.Mutex m = RealSubstrate.INSTANCE.newMutex();
        Substrate.Cond cond = m.newCond();
        m.lock();
        try {
            assertTrue(cond.awaitNanos(TimeUnit.MILLISECONDS.toNanos(2)) <= 0);
            cond.signal(); // no waiter left: a no-op, as pthread_cond_signal without waiters
            assertTrue(cond.awaitNanos(TimeUnit.MILLISECONDS.toNanos(2)) <= 0, "a signal is not stored");
        } finally {
            m.unlock();
        }
    }

    @RepeatedTest(10)
    void anInterrupt_wakesTheWaiterAsANonTimeout_andIsKeptForTakeInterrupt() throws Exception {
        Substrate.Mutex m = RealSubstrate.INSTANCE.newMutex();
        Substrate.Cond cond = m.newCond();
        AtomicLong left = new AtomicLong();
        AtomicBoolean flagInside = new AtomicBoolean(true);
        AtomicBoolean kept = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            m.lock();
            try {
                left.set(cond.awaitNanos(LONG));
                flagInside.set(Thread.currentThread().isInterrupted());
            } finally {
                m.unlock();
            }
            kept.set(cond.takeInterrupt());
        }, "waiter");
        waiter.start();
        await().atMost(PATIENCE).until(() -> LockSupport.getBlocker(waiter) == cond);
        waiter.interrupt();
        waiter.join();
        assertTrue(left.get() > 0);
        assertFalse(flagInside.get(), "the interrupt is cleared during the wait");
        assertTrue(kept.get(), "and handed to takeInterrupt()");
        assertFalse(cond.takeInterrupt(), "another thread's interrupt is not this thread's");
    }

    @RepeatedTest(10)
    void signalAll_wakesEveryWaiter() throws Exception {
        Substrate.Mutex m = RealSubstrate.INSTANCE.newMutex();
        Substrate.Cond cond = m.newCond();
        AtomicLong woken = new AtomicLong();
        Thread[] ts = new Thread[3];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(() -> {
                m.lock();
                try {
                    if (cond.awaitNanos(LONG) > 0) {
                        woken.incrementAndGet();
                    }
                } finally {
                    m.unlock();
                }
            }, "waiter-" + i);
            ts[i].start();
        }
        for (Thread t : ts) {
            await().atMost(PATIENCE).until(() -> LockSupport.getBlocker(t) == cond);
        }
        m.lock();
        try {
            cond.signalAll();
        } finally {
            m.unlock();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(ts.length, woken.get());
    }
}
