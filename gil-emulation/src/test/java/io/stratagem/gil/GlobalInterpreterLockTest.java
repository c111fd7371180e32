package io.stratagem.gil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lock on real threads: configuration, misuse, interrupts, closing, dying holders. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GlobalInterpreterLockTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void build_rejectsBadSettingsNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GlobalInterpreterLock.builder().switchInterval(Duration.ZERO).build());
        assertTrue(e.getMessage().contains("switchInterval") && e.getMessage().contains("PT0S"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> GlobalInterpreterLock.builder().switchInterval(Duration.ofMillis(-1)).build());
        e = assertThrows(IllegalArgumentException.class,
                () -> GlobalInterpreterLock.builder().legacyCheckInterval(0).build());
        assertTrue(e.getMessage().contains("legacyCheckInterval"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GlobalInterpreterLock.builder().timelineCapacity(1).build());
    }

    @Test
    void setSwitchInterval_rejectsNonPositiveAndClampsToOneMicrosecond() {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.create()) {
            assertEquals(Duration.ofMillis(5), gil.switchInterval(), "CPython's default");
            assertThrows(IllegalArgumentException.class, () -> gil.setSwitchInterval(Duration.ZERO));
            gil.setSwitchInterval(Duration.ofNanos(300));
            assertEquals(Duration.ofNanos(1_000), gil.switchInterval());
            gil.setSwitchInterval(Duration.ofMillis(1));
            assertEquals(Duration.ofMillis(1), gil.switchInterval());
        }
    }

    @Test
    void b1_aSingleThread_neverWaitsRequestsOrSwitchesAgain() {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.create(); GilThread g = gil.attach()) {
            g.cpu(Duration.ofMillis(20));
            g.sleep(Duration.ZERO);
            GilStats s = gil.stats();
            assertEquals(0, s.dropRequests());
            assertEquals(0, s.contendedAcquisitions());
            assertEquals(1, s.switches(), "only the first take");
            assertEquals(0, s.forcedDrops());
        }
    }

    @Test
    void misuse_throwsAtOnce() throws Exception {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.create()) {
            GilThread g = gil.attach();
            assertThrows(IllegalStateException.class, gil::attach, "attach twice");
            g.releasing(() -> {
                assertThrows(IllegalStateException.class, () -> g.releasing(() -> 1), "nested releasing");
                assertThrows(IllegalStateException.class, g::checkpoint, "checkpoint without the lock");
                assertThrows(IllegalStateException.class, g::close, "detach inside releasing");
                assertThrows(IllegalStateException.class, () -> g.cpu(Duration.ofNanos(1)));
                return null;
            });
            AtomicReference<Throwable> other = new AtomicReference<>();
            Thread t = new Thread(() -> other.set(assertThrows(IllegalStateException.class, () -> g.releasing(() -> 1))));
            t.start();
            t.join();
            assertInstanceOf(IllegalStateException.class, other.get(), "a handle is confined to its thread");
            assertThrows(IllegalArgumentException.class, () -> g.sleep(Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> g.cpu(Duration.ofMillis(1), Duration.ofNanos(10)));
            g.close();
            assertFalse(g.isAttached());
            assertThrows(IllegalStateException.class, g::checkpoint, "checkpoint while detached");
            g.close(); // idempotent
            gil.attach().close(); // may attach again after detaching
        }
    }

    @Test
    void i6_releasing_reTakesTheLockWhenTheCallThrows() {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.create(); GilThread g = gil.attach()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.releasing(() -> {
                throw new IllegalStateException("boom");
            }));
            assertEquals("boom", e.getMessage());
            g.checkpoint(); // would throw if the lock were not held
            assertEquals(1, gil.stats().releasingReturns());
        }
    }

    @Test
    void interruptedWaiter_keepsWaitingThenHoldsWithItsInterruptStatusSet() throws Exception {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.create()) {
            GilThread main = gil.attach();
            AtomicBoolean interruptedAfter = new AtomicBoolean();
            AtomicBoolean attached = new AtomicBoolean();
            Thread t = new Thread(() -> {
                try (GilThread g = gil.attach()) {
                    attached.set(true);
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                }
            }, "waiter");
            t.start();
            await().atMost(PATIENCE).until(() -> t.getState() == Thread.State.TIMED_WAITING);
            t.interrupt();
            await().atMost(PATIENCE).until(() -> t.getState() == Thread.State.TIMED_WAITING);
            assertFalse(attached.get(), "an interrupt does not end the wait (CPython's take_gil cannot be interrupted)");
            main.close();
            t.join(PATIENCE.toMillis());
            assertTrue(attached.get());
            assertTrue(interruptedAfter.get(), "the interrupt is kept for the code that runs next");
        }
    }

    @Test
    void close_failsWaitersFastAndLaterAttaches() throws Exception {
        GlobalInterpreterLock gil = GlobalInterpreterLock.create();
        GilThread main = gil.attach();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                gil.attach();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "waiter");
        t.start();
        await().atMost(PATIENCE).until(() -> t.getState() == Thread.State.TIMED_WAITING);
        gil.close();
        t.join(PATIENCE.toMillis());
        assertInstanceOf(GilClosedException.class, failure.get());
        main.close(); // the holder can still detach
        assertThrows(GilClosedException.class, gil::attach);
    }

    @Test
    void aThreadThatDiesHoldingTheLock_isDetectedAndTheLockReclaimed() throws Exception {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.builder().switchInterval(Duration.ofMillis(1)).build()) {
            Thread t = new Thread(gil::attach, "dies-holding"); // attaches and never detaches
            t.start();
            t.join();
            try (GilThread g = gil.attach()) {
                g.checkpoint();
            }
            assertEquals(1, gil.stats().deadHolderReleases(), "reported in the stats (and logged at ERROR)");
        }
    }

    @Test
    void start_releasesTheLockWhenTheBodyThrows() throws Exception {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.create()) {
            Thread t = gil.start("failing", g -> {
                g.cpu(Duration.ofMillis(1));
                throw new IllegalStateException("task failed (expected by the test)");
            });
            t.join();
            try (GilThread g = gil.attach()) {
                g.checkpoint();
            }
            assertEquals(0, gil.stats().deadHolderReleases(), "released by the thread itself");
        }
    }

    @Test
    void freeThreaded_neverBlocksAndReportsTheGilOff() throws Exception {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.builder()
                .mode(GlobalInterpreterLock.Mode.FREE_THREADED).build()) {
            assertFalse(gil.isGilEnabled());
            Thread a = gil.start("a", g -> g.cpu(Duration.ofMillis(30)));
            Thread b = gil.start("b", g -> g.cpu(Duration.ofMillis(30)));
            a.join();
            b.join();
            GilStats s = gil.stats();
            assertEquals(0, s.contendedAcquisitions());
            assertEquals(0, s.switches());
            assertEquals(0, s.dropRequests());
        }
    }

    @Test
    void legacyTicks_releasesEveryCheckIntervalCheckpoints() {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.builder().mode(GlobalInterpreterLock.Mode.LEGACY_TICKS)
                .legacyCheckInterval(10).build(); GilThread g = gil.attach()) {
            for (int i = 0; i < 100; i++) {
                g.checkpoint();
            }
            GilStats s = gil.stats();
            assertEquals(10, s.voluntaryDrops());
            assertEquals(10, s.legacyRetakes(), "alone, every release point is re-taken by the same thread");
        }
    }
}
