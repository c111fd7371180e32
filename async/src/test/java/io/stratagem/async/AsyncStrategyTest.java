package io.stratagem.async;

import io.stratagem.Backend;
import io.stratagem.CancellationStage;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import io.stratagem.TaskTimedOutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AsyncStrategyTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private final List<Strategy> opened = new ArrayList<>();

    private AsyncStrategy open(AsyncStrategy.Builder b) {
        AsyncStrategy s = b.build();
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(s -> {
            s.shutdownNow();
            s.close();
        });
    }

    private static void spin(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @RepeatedTest(3)
    void loopMode_runsExactlyOneTaskAtATime_andSwitchesOnlyWhenItWaits() {
        AsyncStrategy s = open(AsyncStrategy.builder().mode(AsyncStrategy.Mode.LOOP));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String id = "t" + i;
            hs.add(s.submit(ctx -> {
                for (int step = 0; step < 3; step++) {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    trace.add(id + "+");
                    spin(Duration.ofMillis(1));
                    ctx.checkpoint(); // not a switch point in LOOP mode
                    trace.add(id + "-");
                    running.decrementAndGet();
                    ctx.sleep(Duration.ZERO); // a switch point
                }
                return 1;
            }));
        }
        hs.forEach(TaskHandle::join);
        assertEquals(1, maxRunning.get(), "exactly one task ran at a time");
        for (int i = 0; i < trace.size(); i += 2) {
            String open = trace.get(i);
            assertEquals(open.replace('+', '-'), trace.get(i + 1), "a step ends before another starts: " + trace);
        }
    }

    @Test
    void loopMode_nestedWaits_handThePermitOverOnceAndTakeItBackOnce() throws Exception {
        AsyncStrategy s = open(AsyncStrategy.builder().mode(AsyncStrategy.Mode.LOOP));
        TaskHandle<Integer> nested = s.submit(ctx -> ctx.blocking(() -> {
            ctx.sleep(Duration.ofMillis(1)); // a wait inside a wait must not take the permit back early
            return 1;
        }));
        assertEquals(1, nested.get(30, TimeUnit.SECONDS));
        assertEquals(2, s.submit(ctx -> 2).get(30, TimeUnit.SECONDS), "the permit was returned exactly once");
    }

    @Test
    void parallelMode_runsCpuWorkAtTheSameTime() {
        AsyncStrategy s = open(AsyncStrategy.builder());
        AtomicBoolean a = new AtomicBoolean();
        AtomicBoolean b = new AtomicBoolean();
        // each spins (without waiting) until it sees the other: only possible if both run at once
        TaskHandle<Integer> h1 = s.submit(ctx -> {
            a.set(true);
            while (!b.get()) {
                ctx.checkpoint();
                Thread.onSpinWait();
            }
            return 1;
        });
        TaskHandle<Integer> h2 = s.submit(ctx -> {
            b.set(true);
            while (!a.get()) {
                ctx.checkpoint();
                Thread.onSpinWait();
            }
            return 2;
        });
        await().atMost(PATIENCE).until(() -> h1.isDone() && h2.isDone());
        assertEquals(3, h1.join() + h2.join());
    }

    @ParameterizedTest
    @EnumSource(AsyncStrategy.Mode.class)
    void hundredThousandTasks_noneLost(AsyncStrategy.Mode mode) {
        AsyncStrategy s = open(AsyncStrategy.builder().mode(mode));
        int n = 100_000;
        List<TaskHandle<Integer>> hs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int v = i;
            hs.add(s.submit(ctx -> {
                ctx.sleep(Duration.ofMillis(v % 3));
                return v;
            }));
        }
        long sum = 0;
        for (TaskHandle<Integer> h : hs) {
            sum += h.join();
        }
        assertEquals((long) n * (n - 1) / 2, sum);
        assertTrue(hs.stream().allMatch(h -> h.taskState() == TaskState.SUCCEEDED));
        s.close();
        assertTrue(s.isTerminated());
    }

    @ParameterizedTest
    @EnumSource(AsyncStrategy.Mode.class)
    void cancel_ofATaskBlockedInCtxSleep_endsItCancelled(AsyncStrategy.Mode mode) {
        AsyncStrategy s = open(AsyncStrategy.builder().mode(mode));
        CountDownLatch sleeping = new CountDownLatch(1);
        AtomicBoolean finallyRan = new AtomicBoolean();
        TaskHandle<Integer> h = s.submit(ctx -> {
            try {
                sleeping.countDown();
                ctx.sleep(Duration.ofHours(1));
                return 1;
            } finally {
                finallyRan.set(true);
            }
        });
        await().atMost(PATIENCE).until(() -> sleeping.getCount() == 0 && h.taskState() == TaskState.RUNNING);
        assertTrue(h.cancel(true));
        await().atMost(PATIENCE).until(h::isDone);
        assertTrue(h.isCancelled());
        assertTrue(finallyRan.get());
        CancellationStage stage = h.cancellationStage().orElseThrow();
        assertTrue(stage == CancellationStage.CHECKPOINT || stage == CancellationStage.INTERRUPT, stage::toString);
        assertEquals(5, s.submit(ctx -> 5).join(), "the strategy (and in LOOP mode the permit) is still usable");
    }

    @ParameterizedTest
    @EnumSource(AsyncStrategy.Mode.class)
    void cancelWithoutInterrupt_ofATaskInCtxSleep_wakesItAtOnce(AsyncStrategy.Mode mode) {
        AsyncStrategy s = open(AsyncStrategy.builder().mode(mode));
        CountDownLatch sleeping = new CountDownLatch(1);
        TaskHandle<Integer> h = s.submit(ctx -> {
            sleeping.countDown();
            ctx.sleep(Duration.ofHours(1));
            return 1;
        });
        await().atMost(PATIENCE).until(() -> sleeping.getCount() == 0 && h.taskState() == TaskState.RUNNING);
        assertTrue(h.cancel(false));
        await().atMost(PATIENCE).until(h::isDone);
        assertEquals(CancellationStage.CHECKPOINT, h.cancellationStage().orElseThrow());
    }

    @Test
    void ctxSleep_onAnInterruptedThread_endsTheTaskCancelled() {
        AsyncStrategy s = open(AsyncStrategy.builder());
        TaskHandle<Integer> h = s.submit(ctx -> {
            Thread.currentThread().interrupt(); // an interrupt not from us: sleep must not swallow it and wait an hour
            ctx.sleep(Duration.ofHours(1));
            return 1;
        });
        Throwable failure = h.handle((v, t) -> t).join();
        assertInstanceOf(java.util.concurrent.CancellationException.class, failure);
        assertTrue(failure.getMessage().contains("interrupted while sleeping"), failure::getMessage);
    }

    /** Every task on its own virtual thread, no limit: shutdownNow finds them all and the strategy terminates. */
    @Test
    void shutdownNow_manySleepingTasks_stopsEveryOneAndTerminates() throws Exception {
        AsyncStrategy s = open(AsyncStrategy.builder());
        int n = 2_000;
        CountDownLatch sleeping = new CountDownLatch(n);
        List<TaskHandle<Integer>> hs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            hs.add(s.submit(ctx -> {
                sleeping.countDown();
                ctx.sleep(Duration.ofHours(1));
                return 1;
            }));
        }
        assertTrue(sleeping.await(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of(), s.shutdownNow(), "all had started");
        assertTrue(s.awaitTermination(PATIENCE));
        assertTrue(s.isTerminated());
        assertTrue(hs.stream().allMatch(h -> h.taskState() == TaskState.CANCELLED));
    }

    @ParameterizedTest
    @EnumSource(AsyncStrategy.Mode.class)
    void timeout_cancelsTheTask(AsyncStrategy.Mode mode) {
        AsyncStrategy s = open(AsyncStrategy.builder().mode(mode));
        AtomicBoolean stopped = new AtomicBoolean();
        TaskHandle<Integer> h = s.submit(ctx -> {
            try {
                return ctx.blocking(() -> {
                    new CountDownLatch(1).await(); // waits until interrupted
                    return 1;
                });
            } finally {
                stopped.set(true);
            }
        }, Duration.ofMillis(100));
        CompletionException e = assertThrows(CompletionException.class, h::join);
        assertInstanceOf(TaskTimedOutException.class, e.getCause());
        assertTrue(stopped.get(), "the task had stopped when its handle completed");
    }

    @Test
    void fullQueue_rejectsWithAClearMessage() {
        AsyncStrategy s = open(AsyncStrategy.builder().concurrencyLimit(1).queueCapacity(1));
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle<Integer> running = s.submit(ctx -> ctx.blocking(() -> {
            release.await();
            return 1;
        }));
        TaskHandle<Integer> queued = s.submit(ctx -> 2);
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> s.submit(ctx -> 3));
        assertTrue(e.getMessage().contains("queue full") && e.getMessage().contains("queueCapacity"), e.getMessage());
        release.countDown();
        assertEquals(1, running.join());
        assertEquals(2, queued.join());
    }

    @Test
    void fullQueue_blockPolicy_blocksSubmitUntilThereIsRoom() {
        AsyncStrategy s = open(AsyncStrategy.builder().concurrencyLimit(1).queueCapacity(1)
                .fullQueuePolicy(AsyncStrategy.FullQueuePolicy.BLOCK));
        CountDownLatch release = new CountDownLatch(1);
        s.submit(ctx -> ctx.blocking(() -> {
            release.await();
            return 1;
        }));
        s.submit(ctx -> 2);
        AtomicReference<TaskHandle<Integer>> third = new AtomicReference<>();
        Thread submitter = new Thread(() -> third.set(s.submit(ctx -> 3)), "test-submitter");
        submitter.start();
        await().atMost(PATIENCE).until(() -> submitter.getState() == Thread.State.WAITING);
        assertEquals(null, third.get(), "submit is blocked while the queue is full");
        release.countDown();
        await().atMost(PATIENCE).until(() -> third.get() != null);
        assertEquals(3, third.get().join());
    }

    @RepeatedTest(5) // regression: the stats were recorded after the handle completed, so join() could outrun them
    void misplacedTasks_reportsCpuBoundTasksByName() {
        AsyncStrategy s = open(AsyncStrategy.builder());
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hs.add(s.submit(Task.of("crunch", io.stratagem.Profile.cpu(Duration.ofMillis(20)), ctx -> {
                spin(Duration.ofMillis(20));
                return 1;
            })));
            hs.add(s.submit(Task.of("fetch", io.stratagem.Profile.cpu(Duration.ofMillis(20)), ctx -> {
                ctx.sleep(Duration.ofMillis(20));
                return 1;
            })));
        }
        hs.forEach(TaskHandle::join);
        List<MisplacedTask> m = s.misplacedTasks();
        assertEquals(List.of("crunch"), m.stream().map(MisplacedTask::name).toList(), m::toString);
        assertEquals(3, m.get(0).tasks());
        assertTrue(m.get(0).busyShare() > 0.5, m::toString);
    }

    @Test
    void loopMode_debug_reportsASlowStep() {
        List<SlowStep> slow = Collections.synchronizedList(new ArrayList<>());
        AsyncStrategy s = open(AsyncStrategy.builder().mode(AsyncStrategy.Mode.LOOP).debug(true)
                .slowStepThreshold(Duration.ofMillis(20)).slowStepListener(slow::add));
        s.submit(Task.of("hog", io.stratagem.Profile.cpu(Duration.ofMillis(20)), ctx -> {
            spin(Duration.ofMillis(60));
            ctx.sleep(Duration.ZERO);
            return 1;
        })).join();
        s.submit(Task.of("polite", io.stratagem.Profile.cpu(Duration.ofMillis(20)), ctx -> {
            ctx.sleep(Duration.ofMillis(30));
            return 1;
        })).join();
        await().atMost(PATIENCE).until(() -> !slow.isEmpty());
        assertEquals(List.of("hog"), slow.stream().map(SlowStep::name).toList());
    }

    @Test
    void contextVar_followsTheTaskToItsThread() {
        AsyncStrategy s = open(AsyncStrategy.builder());
        ContextVar<String> tenant = ContextVar.named("tenant");
        AtomicReference<TaskHandle<String>> h = new AtomicReference<>();
        tenant.runWhere("acme", () -> h.set(s.submit(ctx -> tenant.get())));
        assertEquals("acme", h.get().join());
        assertFalse(tenant.find().isPresent());
    }

    @Test
    void provider_mapsSemanticsAndParallelism_andRejectsUnknownProperties() {
        try (Strategy py = Strategy.create(Backend.ASYNC, new StrategyOptions(Semantics.PYTHON, 4, java.util.Map.of()))) {
            AsyncStrategy a = assertInstanceOf(AsyncStrategy.class, py);
            assertEquals(AsyncStrategy.Mode.LOOP, a.mode());
            assertEquals(Semantics.PYTHON, a.semantics());
        }
        try (Strategy jvm = Strategy.create(Backend.ASYNC)) {
            assertEquals(AsyncStrategy.Mode.PARALLEL, ((AsyncStrategy) jvm).mode());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Strategy.create(Backend.ASYNC, StrategyOptions.defaults().with("colour", "blue")));
        assertTrue(e.getMessage().contains("colour"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Strategy.create(Backend.ASYNC, StrategyOptions.defaults().with("fullQueuePolicy", "DROP")));
        assertTrue(e.getMessage().contains("fullQueuePolicy"), e.getMessage());
    }

    @Test
    void builder_rejectsBadValuesNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AsyncStrategy.builder().concurrencyLimit(-1).build());
        assertTrue(e.getMessage().contains("concurrencyLimit") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AsyncStrategy.builder().queueCapacity(0).build());
        assertTrue(e.getMessage().contains("queueCapacity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AsyncStrategy.builder().slowStepThreshold(Duration.ofNanos(5)).build());
        assertTrue(e.getMessage().contains("slowStepThreshold"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AsyncStrategy.builder().mode(null).build());
    }
}
