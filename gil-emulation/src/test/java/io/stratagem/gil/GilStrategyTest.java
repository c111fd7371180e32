package io.stratagem.gil;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GIL backend beyond the contract kit: configuration, the lock it exposes, and what a task can do to the lock. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GilStrategyTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static Task<Integer> spin(AtomicBoolean started) {
        return ctx -> {
            started.set(true);
            long sink = 0;
            while (true) {
                for (int i = 0; i < 1_000; i++) {
                    sink += i ^ (sink >>> 3);
                }
                ctx.checkpoint();
                if (sink == 42) {
                    return -1;
                }
            }
        };
    }

    /** The lock is free if the test thread can attach to it. */
    private static void assertLockFree(GilStrategy s) {
        try (GilThread g = s.lock().attach()) {
            g.checkpoint();
        }
    }

    @Test
    void provider_mapsSemanticsParallelismAndProperties() {
        try (Strategy py = Strategy.create(Backend.GIL_THREADS, StrategyOptions.defaults()
                .withSemantics(Semantics.PYTHON).withParallelism(3).with("gil.switchIntervalMicros", "1000"))) {
            GilStrategy g = assertInstanceOf(GilStrategy.class, py);
            assertEquals(GlobalInterpreterLock.Mode.GIL, g.lock().mode());
            assertEquals(Semantics.PYTHON, g.semantics());
            assertEquals(3, g.threads());
            assertEquals(Duration.ofMillis(1), g.lock().switchInterval());
        }
        try (Strategy jvm = Strategy.create(Backend.GIL_THREADS)) {
            GilStrategy g = (GilStrategy) jvm;
            assertEquals(GlobalInterpreterLock.Mode.FREE_THREADED, g.lock().mode());
            assertEquals(Semantics.JVM, g.semantics());
            assertEquals(Math.min(32, Runtime.getRuntime().availableProcessors() + 4), g.threads());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Strategy.create(
                Backend.GIL_THREADS, StrategyOptions.defaults().with("gil.interval", "5")));
        assertTrue(e.getMessage().contains("gil.interval"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Strategy.create(Backend.GIL_THREADS,
                StrategyOptions.defaults().withSemantics(Semantics.PYTHON).with("gil.switchIntervalMicros", "0")));
        assertThrows(IllegalArgumentException.class, () -> Strategy.create(Backend.GIL_THREADS,
                StrategyOptions.defaults().with("gil.mode", "GIL")), "GIL contradicts JVM semantics");
        assertThrows(IllegalArgumentException.class, () -> Strategy.create(Backend.GIL_THREADS,
                StrategyOptions.defaults().with("gil.watchdog", "yes")));
    }

    @Test
    void build_rejectsBadSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GilStrategy.builder().threads(0).build());
        assertTrue(e.getMessage().contains("threads") && e.getMessage().contains("0"), e.getMessage());
        try (GlobalInterpreterLock shared = GlobalInterpreterLock.create()) {
            assertThrows(IllegalArgumentException.class,
                    () -> GilStrategy.builder().sharedLock(shared).switchInterval(Duration.ofMillis(1)).build());
        }
        assertThrows(IllegalArgumentException.class, () -> GilStrategy.builder().queueCapacity(0).build());
    }

    @Test
    void cpuTasks_takeTurnsUnderTheLock() {
        try (GilStrategy s = GilStrategy.builder().threads(2).switchInterval(Duration.ofMillis(1)).build()) {
            Task<Integer> work = ctx -> {
                long end = System.nanoTime() + 40_000_000;
                while (System.nanoTime() < end) {
                    ctx.checkpoint();
                }
                return 1;
            };
            TaskHandle<Integer> a = s.submit(work);
            TaskHandle<Integer> b = s.submit(work);
            assertEquals(2, a.join() + b.join());
            GilStats st = s.lock().stats();
            assertTrue(st.dropRequests() > 0 && st.forcedDrops() > 0, st::toString);
        }
    }

    @Test
    void cancelledAndFailingTasks_leaveTheLockReleased() {
        try (GilStrategy s = GilStrategy.builder().threads(2).build()) {
            AtomicBoolean started = new AtomicBoolean();
            TaskHandle<Integer> h = s.submit(spin(started));
            await().atMost(PATIENCE).untilTrue(started);
            h.cancel(true);
            assertThrows(CancellationException.class, h::join);
            assertLockFree(s);

            TaskHandle<Integer> f = s.submit(ctx -> {
                ctx.checkpoint();
                throw new IllegalStateException("task failed");
            });
            assertInstanceOf(IllegalStateException.class, assertThrows(CompletionException.class, f::join).getCause());
            assertLockFree(s);

            TaskHandle<Integer> err = s.submit(ctx -> {
                throw new AssertionError("an Error ends the attachment");
            });
            assertInstanceOf(AssertionError.class, assertThrows(CompletionException.class, err::join).getCause());
            assertEquals(7, s.submit(ctx -> 7).join(), "the pool goes on");
            assertLockFree(s);
        }
    }

    @Test
    void shutdownNow_whileThreadsWaitForTheLock_terminates() throws Exception {
        GilStrategy s = GilStrategy.builder().threads(3).build();
        AtomicBoolean a = new AtomicBoolean();
        AtomicBoolean b = new AtomicBoolean();
        AtomicBoolean c = new AtomicBoolean();
        TaskHandle<Integer> ha = s.submit(spin(a));
        TaskHandle<Integer> hb = s.submit(spin(b));
        TaskHandle<Integer> hc = s.submit(spin(c));
        await().atMost(PATIENCE).until(() -> a.get() && b.get() && c.get());
        s.shutdownNow();
        assertTrue(s.awaitTermination(PATIENCE));
        assertTrue(ha.isCancelled() && hb.isCancelled() && hc.isCancelled());
        assertThrows(GilClosedException.class, () -> s.lock().attach(), "an owned lock is closed with the strategy");
    }

    @Test
    void aTaskThatNeverCheckpoints_holdsTheLockToTheEnd_andTheWatchdogSaysSo() {
        try (GilStrategy s = GilStrategy.builder().threads(2).watchdog(true).build()) {
            AtomicBoolean holding = new AtomicBoolean();
            TaskHandle<Integer> hog = s.submit(ctx -> {
                holding.set(true);
                long end = System.nanoTime() + 300_000_000;
                long sink = 0;
                while (System.nanoTime() < end) {
                    sink++; // no checkpoint: a C call that never releases the GIL
                }
                return sink > 0 ? 1 : 0;
            });
            await().atMost(PATIENCE).untilTrue(holding);
            TaskHandle<Integer> other = s.submit(ctx -> 2);
            assertEquals(2, other.join());
            assertTrue(hog.isDone(), "the other task could only take the lock once the hog had finished");
            assertEquals(1, hog.join());
            await().atMost(PATIENCE).until(() -> s.lock().stats().watchdogWarnings() >= 1);
        }
    }

    @Test
    void sharedLock_makesTwoPoolsTakeTurns() {
        try (GlobalInterpreterLock shared = GlobalInterpreterLock.builder().switchInterval(Duration.ofMillis(1)).build();
             GilStrategy one = GilStrategy.builder().sharedLock(shared).threads(1).name("one").build();
             GilStrategy two = GilStrategy.builder().sharedLock(shared).threads(1).name("two").build()) {
            assertSame(shared, one.lock());
            Task<Integer> work = ctx -> {
                long end = System.nanoTime() + 30_000_000;
                while (System.nanoTime() < end) {
                    ctx.checkpoint();
                }
                return 1;
            };
            assertEquals(2, one.submit(work).join() + two.submit(work).join());
            assertTrue(shared.stats().threads().size() >= 2, () -> shared.stats().toString());
        }
    }
}
