package io.stratagem.async;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private final EventLoop loop = EventLoop.create();

    @AfterEach
    void close() {
        loop.close();
    }

    private <T> T run(java.util.function.Supplier<? extends CompletionStage<T>> body) throws Exception {
        return loop.runUntilComplete(body);
    }

    @Test
    void callSoon_runsCallbacksInOrderOnTheLoopThread() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        List<Boolean> onLoop = Collections.synchronizedList(new ArrayList<>());
        run(() -> {
            for (int i = 0; i < 5; i++) {
                int n = i;
                loop.callSoon(() -> {
                    seen.add("cb" + n);
                    onLoop.add(loop.inLoop());
                });
            }
            return loop.sleep(Duration.ZERO).thenCompose(x -> loop.sleep(Duration.ZERO));
        });
        assertEquals(List.of("cb0", "cb1", "cb2", "cb3", "cb4"), seen);
        assertTrue(onLoop.stream().allMatch(b -> b));
    }

    @Test
    void callSoon_offTheLoopThread_failsClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.callSoon(() -> { }));
        assertTrue(e.getMessage().contains("loop thread"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> loop.semaphore(1).acquire());
        ExecutionException nested = assertThrows(ExecutionException.class, () -> loop.runUntilComplete(() -> {
            try {
                return CompletableFuture.completedFuture(loop.runUntilComplete(() -> loop.sleep(Duration.ZERO)));
            } catch (Exception x) {
                return CompletableFuture.failedFuture(x);
            }
        }));
        assertInstanceOf(IllegalStateException.class, nested.getCause(), "runUntilComplete on the loop thread is refused");
    }

    @Test
    void sleep_completesOnTheLoopWithoutEarlyFiring() throws Exception {
        long t0 = System.nanoTime();
        AtomicBoolean continuationOnLoop = new AtomicBoolean();
        run(() -> loop.sleep(Duration.ofMillis(30)).thenApply(v -> {
            continuationOnLoop.set(loop.inLoop());
            return v;
        }));
        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(30).toNanos());
        assertTrue(continuationOnLoop.get());
    }

    @Test
    void callLater_cancelledBeforeDue_neverRuns() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        TimerHandle h = loop.callLater(Duration.ofMillis(20), () -> ran.set(true));
        assertTrue(h.cancel());
        assertTrue(h.isCancelled());
        run(() -> loop.sleep(Duration.ofMillis(60)));
        assertFalse(ran.get());
    }

    @Test
    void gather_returnsResultsInInputOrder() throws Exception {
        List<Integer> r = run(() -> loop.gather(List.of(
                loop.sleep(Duration.ofMillis(30)).thenApply(v -> 1),
                loop.sleep(Duration.ofMillis(1)).thenApply(v -> 2),
                loop.sleep(Duration.ZERO).thenApply(v -> 3))));
        assertEquals(List.of(1, 2, 3), r);
        assertEquals(List.of(), run(() -> loop.<Integer>gather(List.of())));
    }

    @Test
    void gather_firstFailureReachesTheCaller_whileTheOthersKeepRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LoopFuture<String> slow = loop.toThread(() -> {
            release.await();
            return "slow";
        });
        LoopFuture<String> failing = loop.sleep(Duration.ofMillis(1)).thenApply(v -> {
            throw new IllegalStateException("child failed");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> run(() -> loop.gather(List.of(slow, failing))));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("child failed", e.getCause().getMessage());
        assertFalse(slow.isDone(), "the other child is still running, not cancelled");
        release.countDown();
        assertEquals("slow", slow.get(10, TimeUnit.SECONDS), "and it finishes normally");
    }

    @Test
    void gatherReturningExceptions_returnsFailuresAsResults() throws Exception {
        List<Outcome<Integer>> r = run(() -> loop.gatherReturningExceptions(List.of(
                loop.sleep(Duration.ofMillis(5)).thenApply(v -> 7),
                loop.sleep(Duration.ZERO).<Integer>thenApply(v -> {
                    throw new IllegalArgumentException("bad");
                }))));
        assertEquals(new Outcome.Success<>(7), r.get(0));
        Outcome.Failure<Integer> f = assertInstanceOf(Outcome.Failure.class, r.get(1));
        assertInstanceOf(IllegalArgumentException.class, f.error());
        assertEquals("bad", f.error().getMessage());
    }

    @Test
    void gather_cancelled_cancelsEveryChild() throws Exception {
        LoopFuture<Void> a = loop.sleep(HOUR);
        LoopFuture<Void> b = loop.sleep(HOUR);
        LoopFuture<String> c = loop.toThread(() -> {
            new CountDownLatch(1).await(); // blocks until interrupted
            return "never";
        });
        LoopFuture<List<Object>> g = loop.gather(List.of(a, b, c));
        assertTrue(g.cancel(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.isCancelled() && b.isCancelled() && c.isCancelled());
        assertTrue(g.isCancelled());
    }

    @RepeatedTest(3)
    void waitFor_timeout_cancelsTheWorkAndWaitsUntilItHasStopped() throws Exception {
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicBoolean stoppedBeforeTimeoutSeen = new AtomicBoolean();
        LoopFuture<String> work = loop.toThread(() -> {
            try {
                new CountDownLatch(1).await();
                return "never";
            } finally {
                long until = System.nanoTime() + Duration.ofMillis(20).toNanos();
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // cleanup that takes a while after the interrupt
                }
                stopped.set(true);
            }
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> run(() -> loop.waitFor(work, Duration.ofMillis(50))
                .whenComplete((v, x) -> stoppedBeforeTimeoutSeen.set(stopped.get()))));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(stoppedBeforeTimeoutSeen.get(), "the timeout was reported only after the work had stopped");
        assertTrue(work.isCancelled());
    }

    @Test
    void waitFor_fastWork_returnsItsResult() throws Exception {
        assertEquals("ok", run(() -> loop.waitFor(loop.sleep(Duration.ofMillis(1)).thenApply(v -> "ok"), HOUR)));
    }

    @Test
    void asCompleted_yieldsInCompletionOrder() throws Exception {
        List<LoopFuture<String>> order = loop.asCompleted(List.of(
                loop.sleep(Duration.ofMillis(60)).thenApply(v -> "slow"),
                loop.sleep(Duration.ofMillis(1)).thenApply(v -> "fast"),
                loop.sleep(Duration.ofMillis(20)).thenApply(v -> "mid")));
        assertEquals(List.of("fast", "mid", "slow"), run(() -> loop.gather(order)));
    }

    @RepeatedTest(3)
    void taskGroup_aFailingChildCancelsItsSiblings_andErrorsAreCombined() throws Exception {
        AtomicReference<LoopTask<Void>> sibling = new AtomicReference<>();
        ExecutionException e = assertThrows(ExecutionException.class, () -> run(() -> loop.taskGroup(g -> {
            sibling.set(g.spawn("sleeper", () -> loop.sleep(HOUR)));
            g.spawn("failer", () -> loop.sleep(Duration.ofMillis(5)).thenApply(v -> {
                throw new IllegalStateException("child 2 failed");
            }));
            return loop.sleep(HOUR); // the body waits too; it is cancelled with the group
        })));
        TaskGroupException tge = assertInstanceOf(TaskGroupException.class, e.getCause());
        assertEquals(1, tge.errors().size());
        assertEquals("child 2 failed", tge.errors().get(0).getMessage());
        assertTrue(sibling.get().isCancelled(), "the sibling was cancelled, and the group waited for it");
    }

    @Test
    void taskGroup_waitsForEveryChild() throws Exception {
        List<String> done = Collections.synchronizedList(new ArrayList<>());
        String r = run(() -> loop.taskGroup(g -> {
            for (int i = 0; i < 3; i++) {
                int n = i;
                g.spawn(() -> loop.sleep(Duration.ofMillis(10L * n)).thenRun(() -> done.add("c" + n)));
            }
            return CompletableFuture.completedFuture("body");
        }));
        assertEquals("body", r);
        assertEquals(3, done.size());
    }

    @Test
    void cancellingATask_cancelsWhatItAwaits() throws Exception {
        AtomicReference<LoopFuture<Void>> inner = new AtomicReference<>();
        LoopTask<Void> t = loop.spawn("waiter", () -> {
            inner.set(loop.sleep(HOUR));
            return inner.get().thenApply(v -> v);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> inner.get() != null);
        assertTrue(t.cancel(true));
        await().atMost(Duration.ofSeconds(10)).until(t::isDone);
        assertTrue(t.isCancelled());
        assertTrue(inner.get().isCancelled(), "cancellation propagated to the awaited sleep");
    }

    @Test
    void semaphore_limitsConcurrency() throws Exception {
        int[] inside = {0};
        int[] max = {0};
        run(() -> {
            AsyncSemaphore sem = loop.semaphore(2);
            List<LoopFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                all.add(sem.withPermit(() -> {
                    max[0] = Math.max(max[0], ++inside[0]);
                    return loop.sleep(Duration.ofMillis(2)).thenRun(() -> inside[0]--);
                }));
            }
            return loop.gather(all);
        });
        assertEquals(2, max[0]);
    }

    @Test
    void queue_boundedPutWaits_andShutdownFailsWaiters() throws Exception {
        List<Object> r = run(() -> {
            AsyncQueue<Integer> q = loop.queue(1);
            LoopFuture<Void> p1 = q.put(1);
            LoopFuture<Void> p2 = q.put(2);
            boolean p2WaitedWhileFull = !p2.isDone();
            LoopFuture<Integer> t1 = q.take();
            boolean p2DoneAfterTake = p2.isDone();
            LoopFuture<Integer> t2 = q.take();
            LoopFuture<Integer> t3 = q.take();
            q.shutdown(false);
            return loop.gatherReturningExceptions(List.of(p1, t1, t2, t3)).thenApply(o -> List.of(
                    p2WaitedWhileFull, p2DoneAfterTake, o.get(1), o.get(2), o.get(3).succeeded(),
                    ((Outcome.Failure<?>) o.get(3)).error().getClass()));
        });
        assertEquals(List.of(true, true, new Outcome.Success<>(1), new Outcome.Success<>(2), false,
                QueueShutDownException.class), r);
    }

    @Test
    void toThread_carriesContextAndRunsOffTheLoop() throws Exception {
        ContextVar<String> user = ContextVar.named("user");
        String seen = user.callWhere("alice", () -> run(() -> loop.toThread(
                () -> user.get() + "@" + (Thread.currentThread().isVirtual() ? "virtual" : "platform"))));
        assertEquals("alice@virtual", seen);
        assertEquals(42, run(() -> loop.toCpu(() -> 42)));
    }

    @Test
    void slowCallback_isReportedInDebugMode() {
        List<SlowStep> slow = Collections.synchronizedList(new ArrayList<>());
        try (EventLoop debug = EventLoop.builder().debug(true).slowCallbackThreshold(Duration.ofMillis(20))
                .slowCallbackListener(slow::add).build()) {
            Runnable hog = new Runnable() {
                @Override
                public void run() {
                    long until = System.nanoTime() + Duration.ofMillis(60).toNanos();
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }

                @Override
                public String toString() {
                    return "cpu-hog";
                }
            };
            debug.execute(() -> { }); // fast: not reported
            debug.execute(hog);
            await().atMost(Duration.ofSeconds(10)).until(() -> !slow.isEmpty());
            assertEquals(1, slow.size());
            assertEquals("cpu-hog", slow.get(0).name());
            assertTrue(slow.get(0).duration().compareTo(Duration.ofMillis(20)) > 0);
        }
    }

    @Test
    void close_abandonsPendingSleeps_andRejectsLaterPosts() {
        EventLoop l = EventLoop.create();
        LoopFuture<Void> pending = l.sleep(HOUR);
        l.close();
        assertTrue(pending.isCancelled(), "nothing waits forever on a closed loop");
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> l.execute(() -> { }));
        l.close();
    }

    @Test
    void hundredThousandTasks_noneLost() throws Exception {
        int n = 100_000;
        List<Integer> r = run(() -> {
            List<LoopTask<Integer>> ts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int v = i;
                ts.add(loop.spawn(() -> loop.sleep(Duration.ofMillis(v % 7)).thenApply(x -> v)));
            }
            return loop.gather(ts);
        });
        assertEquals(n, r.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, r.get(i));
        }
    }

    @Test
    void builder_rejectsBadValuesNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EventLoop.builder().cpuThreads(0).build());
        assertTrue(e.getMessage().contains("cpuThreads") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> EventLoop.builder().slowCallbackThreshold(Duration.ZERO).build());
        assertTrue(e.getMessage().contains("slowCallbackThreshold"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loop.sleep(Duration.ofMillis(-1)));
    }

    @Test
    void cancelledSleep_isCancellationNotFailure() {
        LoopFuture<Void> s = loop.sleep(HOUR);
        s.cancel(true);
        await().atMost(Duration.ofSeconds(10)).until(s::isDone);
        assertThrows(CancellationException.class, s::join);
        assertSame(loop, s.loop());
    }
}
