package io.stratagem.testkit;

import io.stratagem.CancellationStage;
import io.stratagem.Strategy;
import io.stratagem.StrategyClosedException;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import io.stratagem.TaskTimedOutException;
import io.stratagem.Timings;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every backend keeps, so that "interchangeable" is checked rather than claimed. A backend's test extends
 * this class and says how to build its strategy; every test here then runs against it.
 *
 * <p>Tasks are built by {@link KitTasks} and coordinate through a {@link Gate} of files, so the same tests run when the
 * tasks execute in another process.
 */
// SEPARATE_THREAD: a hung join() ignores interrupts, so only a separate thread can end the test on time
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class StrategyContractTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final List<Strategy> opened = new ArrayList<>();
    private final List<Gate> gates = new ArrayList<>();
    private Strategy propertyStrategy;

    /**
     * A new strategy of the backend under test that runs at most {@code parallelism} tasks at once (threads, concurrent
     * tasks or worker processes), so that further tasks queue.
     */
    protected abstract Strategy newStrategy(int parallelism);

    protected final Strategy open(int parallelism) {
        Strategy s = newStrategy(parallelism);
        opened.add(s);
        return s;
    }

    protected final Gate gate() {
        Gate g = Gate.create();
        gates.add(g);
        return g;
    }

    @AfterEach
    void closeAll() {
        for (Strategy s : opened) {
            s.shutdownNow();
            s.close();
        }
        opened.clear();
        gates.forEach(Gate::delete);
        gates.clear();
    }

    // ---- results -----------------------------------------------------------------------------------------------

    @Test
    void submit_returnsTheTasksResult() throws Exception {
        Strategy s = open(2);
        TaskHandle<Integer> h = s.submit(KitTasks.value(42));
        assertEquals(42, h.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(TaskState.SUCCEEDED, h.taskState());
        assertTrue(h.cancellationStage().isEmpty());
    }

    @Test
    void submit_givesEachTaskADistinctId() {
        Strategy s = open(2);
        TaskHandle<Integer> a = s.submit(KitTasks.value(1));
        TaskHandle<Integer> b = s.submit(KitTasks.value(2));
        a.join();
        b.join();
        assertTrue(a.id() != b.id());
    }

    @Test
    void map_returnsResultsInInputOrder() {
        Strategy s = open(3);
        List<Integer> inputs = IntStream.range(0, 60).boxed().toList();
        List<Integer> expected = inputs.stream().map(x -> x * x).toList();
        assertEquals(expected, s.map(KitTasks.scrambledSquare(), inputs).join());
        assertEquals(expected, s.map(KitTasks.scrambledSquare(), inputs, 7).join());
        assertEquals(List.of(), s.map(KitTasks.scrambledSquare(), List.of()).join());
    }

    @Test
    void map_failsWithTheLowestFailingInput() {
        Strategy s = open(2);
        List<Integer> inputs = IntStream.range(0, 40).boxed().toList();
        CompletionException e = assertThrows(CompletionException.class,
                () -> s.map(KitTasks.squareFailingLateAndEarly(12, 33), inputs, 3).join());
        assertInstanceOf(KitTasks.KitException.class, e.getCause());
        assertEquals("input 12", e.getCause().getMessage(), "the lowest failing input, though it failed last");
    }

    @Test
    void map_rejectsAChunkSizeBelowOne() {
        Strategy s = open(1);
        assertThrows(IllegalArgumentException.class, () -> s.map(KitTasks.scrambledSquare(), List.of(1), 0));
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    @Test
    void failure_reachesTheCallerWithItsTypeMessageAndStack() throws Exception {
        Strategy s = open(2);
        TaskHandle<Integer> h = s.submit(KitTasks.throwing("boom-42"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> h.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(KitTasks.KitException.class, e.getCause());
        assertEquals("boom-42", e.getCause().getMessage());
        assertTrue(List.of(e.getCause().getStackTrace()).stream()
                        .anyMatch(f -> f.getClassName().startsWith(KitTasks.class.getName())),
                "the task's own frames are in the stack trace");
        assertEquals(TaskState.FAILED, h.taskState());

        TaskHandle<Integer> u = s.submit(KitTasks.throwingUnchecked("bad state"));
        CompletionException c = assertThrows(CompletionException.class, u::join);
        assertInstanceOf(IllegalStateException.class, c.getCause());
        assertEquals("bad state", c.getCause().getMessage());
    }

    @Test
    void submit_null_throwsAtOnce() {
        Strategy s = open(1);
        assertThrows(NullPointerException.class, () -> s.submit(null));
        assertThrows(IllegalArgumentException.class, () -> s.submit(KitTasks.value(1), Duration.ZERO));
    }

    // ---- cancellation ------------------------------------------------------------------------------------------

    @Test
    void cancel_beforeStart_neverRunsTheTask() {
        Strategy s = open(1);
        Gate g = gate();
        TaskHandle<Integer> blocker = s.submit(KitTasks.gated(g, "blocker", 1));
        await().atMost(PATIENCE).until(() -> g.marked("started-blocker"));
        TaskHandle<Integer> queued = s.submit(KitTasks.marking(g, "queued", 2));
        assertEquals(TaskState.QUEUED, queued.taskState());

        assertTrue(queued.cancel(true));
        assertTrue(queued.isDone(), "a queued task is cancelled at once");
        assertTrue(queued.isCancelled());
        assertEquals(CancellationStage.NOT_STARTED, queued.cancellationStage().orElseThrow());
        assertTrue(queued.cancel(true), "cancelling again reports it is cancelled, as CompletableFuture does");

        g.open();
        assertEquals(1, blocker.join());
        TaskHandle<Integer> after = s.submit(KitTasks.value(3));
        assertEquals(3, after.join());
        assertFalse(g.marked("ran-queued"), "the cancelled task never ran");
    }

    @Test
    void cancel_whileRunning_isObservedAtTheNextCheckpoint() {
        Strategy s = open(2);
        Gate g = gate();
        TaskHandle<Integer> h = s.submit(KitTasks.spinUntilCancelled(g, "spin"));
        await().atMost(PATIENCE).until(() -> g.marked("started-spin"));
        assertEquals(TaskState.RUNNING, h.taskState());

        assertTrue(h.cancel(true));
        await().atMost(PATIENCE).until(h::isDone);
        assertTrue(h.isCancelled());
        assertEquals(TaskState.CANCELLED, h.taskState());
        assertThrows(CancellationException.class, h::join);
        assertTrue(g.marked("observed-spin"), "the task saw the cancellation");
        CancellationStage stage = h.cancellationStage().orElseThrow();
        assertTrue(stage == CancellationStage.CHECKPOINT || stage == CancellationStage.INTERRUPT, stage::toString);
    }

    @Test
    void cancel_wakesATaskSleepingInTheContext() {
        Strategy s = open(2);
        Gate g = gate();
        TaskHandle<Integer> h = s.submit(KitTasks.sleepLong(g, "sleeper"));
        await().atMost(PATIENCE).until(() -> g.marked("started-sleeper"));
        assertTrue(h.cancel(true));
        await().atMost(PATIENCE).until(h::isDone);
        assertTrue(h.isCancelled());
    }

    @Test
    void cancel_withoutInterrupt_stillStopsACooperativeTask() {
        Strategy s = open(2);
        Gate g = gate();
        TaskHandle<Integer> h = s.submit(KitTasks.spinUntilCancelled(g, "coop"));
        await().atMost(PATIENCE).until(() -> g.marked("started-coop"));
        assertTrue(h.cancel(false));
        await().atMost(PATIENCE).until(h::isDone);
        assertTrue(h.isCancelled());
        assertTrue(g.marked("observed-coop"));
    }

    @Test
    void timeout_stopsTheTaskAndFailsWithTaskTimedOut() {
        Strategy s = open(2);
        Gate g = gate();
        // the timeout counts from submit: a backend that starts lazily (the process pool's first worker takes
        // 50-100 ms, more on a loaded machine) is started first, so that the task runs before its time is up and the
        // test sees a running task stopped, not one withdrawn from the queue
        assertEquals(0, s.submit(KitTasks.value(0)).join());
        TaskHandle<Integer> h = s.submit(KitTasks.spinUntilCancelled(g, "slow"), Duration.ofMillis(500));
        await().atMost(PATIENCE).until(h::isDone);
        CompletionException e = assertThrows(CompletionException.class, h::join);
        assertInstanceOf(TaskTimedOutException.class, e.getCause());
        assertEquals(TaskState.FAILED, h.taskState());
        assertTrue(g.marked("observed-slow"));
        assertEquals(42, s.submit(KitTasks.value(42), Duration.ofSeconds(30)).join(), "a fast task is unaffected");
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------------

    @Test
    void close_waitsForSubmittedWork() {
        Strategy s = open(2);
        Gate g = gate();
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            hs.add(s.submit(KitTasks.sleepThenMark(g, "t" + i, 30, i)));
        }
        s.close();
        assertTrue(s.isShutdown());
        assertTrue(s.isTerminated());
        for (int i = 0; i < hs.size(); i++) {
            assertTrue(hs.get(i).isDone(), "task " + i + " done when close returned");
            assertEquals(i, hs.get(i).join());
        }
        assertEquals(6, g.count("done-"));
    }

    @Test
    void submit_afterClose_rejects() {
        Strategy s = open(1);
        s.close();
        RejectedExecutionException e = assertThrows(StrategyClosedException.class, () -> s.submit(KitTasks.value(1)));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
        s.close(); // idempotent
    }

    @Test
    void shutdownNow_returnsTheTasksThatNeverStarted() throws Exception {
        Strategy s = open(1);
        Gate g = gate();
        TaskHandle<Integer> running = s.submit(KitTasks.gated(g, "running", 0));
        await().atMost(PATIENCE).until(() -> g.marked("started-running"));
        List<Task<Integer>> queuedTasks = new ArrayList<>();
        List<TaskHandle<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Task<Integer> t = KitTasks.marking(g, "q" + i, i);
            queuedTasks.add(t);
            queued.add(s.submit(t));
        }

        List<Task<?>> never = s.shutdownNow();

        assertEquals(3, never.size());
        for (int i = 0; i < 3; i++) {
            assertSame(queuedTasks.get(i), never.get(i), "in submission order");
            assertTrue(queued.get(i).isCancelled());
            assertEquals(CancellationStage.NOT_STARTED, queued.get(i).cancellationStage().orElseThrow());
        }
        assertTrue(s.awaitTermination(PATIENCE));
        assertTrue(running.isCancelled(), "the running task was asked to stop and did");
        assertEquals(0, g.count("ran-"));
        assertThrows(StrategyClosedException.class, () -> s.submit(KitTasks.value(1)));
    }

    @Test
    void close_interrupted_cancelsAndStillWaits() {
        Strategy s = open(1);
        Gate g = gate();
        TaskHandle<Integer> h = s.submit(KitTasks.gated(g, "forever", 0));
        await().atMost(PATIENCE).until(() -> g.marked("started-forever"));
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            try {
                s.close();
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "kit-closer");
        closer.start();
        await().atMost(PATIENCE).until(() -> closer.getState() == Thread.State.WAITING
                || closer.getState() == Thread.State.TIMED_WAITING);
        closer.interrupt();
        await().atMost(PATIENCE).until(() -> !closer.isAlive());
        assertEquals(null, failure.get());
        assertTrue(interruptedAfter.get(), "close() returns with the interrupt status set");
        assertTrue(h.isCancelled());
        assertTrue(s.isTerminated());
    }

    @Test
    void tenThousandTasks_noneLost() {
        Strategy s = open(4);
        int n = 10_000;
        List<TaskHandle<Integer>> hs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            hs.add(s.submit(KitTasks.value(i)));
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

    @Test
    void timings_areMeasuredWithinTheCallersWindow() {
        Strategy s = open(1);
        Gate g = gate();
        long before = System.nanoTime();
        TaskHandle<Integer> h = s.submit(KitTasks.sleepThenMark(g, "timed", 20, 1));
        h.join();
        long after = System.nanoTime();
        Duration window = Duration.ofNanos(after - before);
        Timings t = h.timings();
        assertTrue(t.runTime().compareTo(Duration.ofMillis(20)) >= 0, () -> "" + t);
        assertTrue(t.queueWait().plus(t.runTime()).compareTo(window) <= 0,
                () -> t + " fits in the " + window + " between submit and join");
        assertTrue(t.submittedNanos() - before >= 0 && after - t.endedNanos() >= 0,
                () -> t + " placed on the caller's clock between " + before + " and " + after);
    }

    @Test
    void timeout_ofAQueuedTask_failsWithoutRunningIt() {
        Strategy s = open(1);
        Gate g = gate();
        TaskHandle<Integer> blocker = s.submit(KitTasks.gated(g, "blocker", 1));
        await().atMost(PATIENCE).until(() -> g.marked("started-blocker"));
        TaskHandle<Integer> queued = s.submit(KitTasks.marking(g, "late", 2), Duration.ofMillis(100));
        await().atMost(PATIENCE).until(queued::isDone);
        CompletionException e = assertThrows(CompletionException.class, queued::join);
        assertInstanceOf(TaskTimedOutException.class, e.getCause());
        assertEquals(CancellationStage.NOT_STARTED, queued.cancellationStage().orElseThrow());
        g.open();
        assertEquals(1, blocker.join());
        assertEquals(3, s.submit(KitTasks.value(3)).join());
        assertFalse(g.marked("ran-late"));
    }

    @Test
    void cancel_ofATaskThatIgnoresIt_endsCancelledOnceItFinishes() {
        Strategy s = open(1);
        Gate g = gate();
        TaskHandle<Integer> h = s.submit(KitTasks.ignoringCancellation(g, "stubborn", 7));
        await().atMost(PATIENCE).until(() -> g.marked("started-stubborn"));
        assertTrue(h.cancel(false));
        g.open();
        await().atMost(PATIENCE).until(h::isDone);
        assertTrue(h.isCancelled(), "cancel returned true, so the handle ends cancelled");
        assertEquals(CancellationStage.IGNORED, h.cancellationStage().orElseThrow());
        assertTrue(g.marked("finished-stubborn"));
    }

    @Test
    void interrupt_ofACancelledTask_doesNotLeakIntoTheNextTask() {
        Strategy s = open(1);
        Gate g = gate();
        TaskHandle<Integer> h = s.submit(KitTasks.blockedUntilInterrupted(g, "blocked"));
        await().atMost(PATIENCE).until(() -> g.marked("started-blocked"));
        assertTrue(h.cancel(true));
        await().atMost(PATIENCE).until(h::isDone);
        assertTrue(h.isCancelled());
        for (int i = 0; i < 3; i++) {
            assertFalse(s.submit(KitTasks.interruptStatus()).join(), "the next task starts without our interrupt");
        }
    }

    @Test
    void error_failsTheTask_andTheStrategyKeepsWorking() {
        Strategy s = open(1);
        TaskHandle<Integer> h = s.submit(KitTasks.throwingError("kit error"));
        CompletionException e = assertThrows(CompletionException.class, h::join);
        assertInstanceOf(AssertionError.class, e.getCause());
        assertEquals("kit error", e.getCause().getMessage());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, s.submit(KitTasks.value(i)).join());
        }
    }

    @RepeatedTest(3)
    void submitRacingShutdownNow_everyTaskEnds_andNoReturnedTaskRan() throws Exception {
        Strategy s = open(2);
        Gate g = gate();
        List<TaskHandle<Integer>> handles = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.Map<Task<?>, Integer> ids = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch someSubmitted = new CountDownLatch(50);
        Thread submitter = new Thread(() -> {
            for (int i = 0; i < 400; i++) {
                Task<Integer> t = KitTasks.markThenSleep(g, "r" + i, 1, i);
                ids.put(t, i);
                try {
                    handles.add(s.submit(t));
                } catch (StrategyClosedException closed) {
                    return;
                }
                someSubmitted.countDown();
            }
        }, "kit-submitter");
        submitter.start();
        assertTrue(someSubmitted.await(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        List<Task<?>> never = s.shutdownNow();
        submitter.join();
        assertTrue(s.awaitTermination(PATIENCE));
        for (TaskHandle<Integer> h : handles) {
            assertTrue(h.isDone(), "every accepted task ended");
        }
        for (Task<?> t : never) {
            assertFalse(g.marked("ran-r" + ids.get(t)), "a task returned as never started did not run");
        }
        for (TaskHandle<Integer> h : handles) {
            if (h.cancellationStage().orElse(null) == CancellationStage.NOT_STARTED) {
                assertEquals(TaskState.CANCELLED, h.taskState());
            }
        }
    }

    // ---- property ----------------------------------------------------------------------------------------------

    @Property(tries = 25)
    void anyListOfTasks_givesTheSameOutcomesAsASequentialRun(@ForAll("ops") @Size(max = 40) List<Op> ops) {
        if (propertyStrategy == null) {
            propertyStrategy = newStrategy(3);
        }
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (Op op : ops) {
            hs.add(propertyStrategy.submit(ctx -> op.evaluate(ctx)));
        }
        for (int i = 0; i < ops.size(); i++) {
            Op.Outcome expected = Op.Outcome.of(ops.get(i));
            Op.Outcome actual;
            try {
                actual = new Op.Outcome(hs.get(i).join(), null, null);
            } catch (CompletionException e) {
                actual = new Op.Outcome(null, e.getCause().getClass().getName(), e.getCause().getMessage());
            }
            assertEquals(expected, actual, "op " + i + ": " + ops.get(i));
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.of(Op.Kind.class),
                Arbitraries.integers().between(-1000, 1000),
                Arbitraries.integers().between(-3, 3)).as(Op::new);
        return op.list();
    }

    @AfterProperty
    void closePropertyStrategy() {
        if (propertyStrategy != null) {
            propertyStrategy.close();
            propertyStrategy = null;
        }
    }
}
