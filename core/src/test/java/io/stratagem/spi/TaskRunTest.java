package io.stratagem.spi;

import io.stratagem.CancellationStage;
import io.stratagem.TaskState;
import io.stratagem.TaskTimedOutException;
import io.stratagem.internal.Timeouts;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskRunTest {

    /** Counts what the run tells its owner. */
    static final class CountingOwner implements TaskRun.Owner {
        final AtomicInteger withdrawn = new AtomicInteger();
        final AtomicInteger stopRequests = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();

        @Override
        public void withdrawn(TaskRun<?> run) {
            withdrawn.incrementAndGet();
        }

        @Override
        public void stopRequested(TaskRun<?> run, boolean mayInterrupt) {
            stopRequests.incrementAndGet();
            if (mayInterrupt) {
                run.interruptRunner();
            }
        }

        @Override
        public void ended(TaskRun<?> run) {
            ended.incrementAndGet();
        }
    }

    @Test
    void success_completesOnceAndTellsTheOwner() {
        CountingOwner owner = new CountingOwner();
        TaskRun<Integer> run = new TaskRun<>(7, ctx -> 42, owner);
        assertEquals(TaskState.QUEUED, run.taskState());
        run.execute(new BasicTaskContext(run));
        assertEquals(42, run.join());
        assertEquals(TaskState.SUCCEEDED, run.taskState());
        assertEquals(1, owner.ended.get());
        assertFalse(run.cancel(true), "too late to cancel");
        assertFalse(run.tryStart(Thread.currentThread()), "a finished run cannot start again");
    }

    @Test
    void failure_keepsTheOriginalException() {
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> {
            throw new java.io.IOException("disk");
        }, new CountingOwner());
        run.execute(new BasicTaskContext(run));
        CompletionException e = assertThrows(CompletionException.class, run::join);
        assertInstanceOf(java.io.IOException.class, e.getCause());
        assertEquals(TaskState.FAILED, run.taskState());
    }

    @Test
    void cancelQueued_completesAtOnce_andTheRunIsSkipped() {
        CountingOwner owner = new CountingOwner();
        AtomicBoolean ran = new AtomicBoolean();
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> {
            ran.set(true);
            return 1;
        }, owner);
        assertTrue(run.cancel(false));
        assertTrue(run.isCancelled());
        assertEquals(CancellationStage.NOT_STARTED, run.cancellationStage().orElseThrow());
        run.execute(new BasicTaskContext(run));
        assertFalse(ran.get());
        assertEquals(1, owner.withdrawn.get());
        assertEquals(1, owner.ended.get());
    }

    @Test
    void taskThatIgnoresCancellation_stillEndsCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> {
            started.countDown();
            proceed.await();
            return 5;
        }, new CountingOwner());
        Thread t = new Thread(() -> run.execute(new BasicTaskContext(run)));
        t.start();
        started.await();
        assertTrue(run.cancel(false));
        assertFalse(run.isDone(), "completes only when the work has stopped");
        proceed.countDown();
        t.join();
        assertTrue(run.isCancelled());
        assertEquals(CancellationStage.IGNORED, run.cancellationStage().orElseThrow());
    }

    /**
     * Runs {@code run} on a new thread, does {@code meanwhile} on this one once the task has {@code started}, and waits
     * for that thread to end.
     *
     * @return whether the runner thread still had its interrupt flag set after the run
     */
    private static boolean runOnAThread(TaskRun<?> run, CountDownLatch started, Runnable meanwhile)
            throws InterruptedException {
        AtomicBoolean interruptLeftOver = new AtomicBoolean(true);
        Thread t = new Thread(() -> {
            run.execute(new BasicTaskContext(run));
            interruptLeftOver.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        started.await();
        meanwhile.run();
        t.join();
        return interruptLeftOver.get();
    }

    @Test
    void cancelWithInterrupt_wakesABlockedTask_andRecordsTheStage() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> {
            started.countDown();
            new CountDownLatch(1).await(); // blocks until interrupted
            return 0;
        }, new CountingOwner());
        boolean interruptLeftOver = runOnAThread(run, started, () -> assertTrue(run.cancel(true)));
        assertTrue(run.isCancelled());
        assertEquals(CancellationStage.INTERRUPT, run.cancellationStage().orElseThrow());
        assertFalse(interruptLeftOver, "the runner thread is left without our interrupt");
    }

    @Test
    void sleepUnlessStopped_wakesOnCooperativeCancel() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> {
            started.countDown();
            ctx.sleep(Duration.ofHours(1));
            return 0;
        }, new CountingOwner());
        Thread t = new Thread(() -> run.execute(new BasicTaskContext(run)));
        t.start();
        started.await();
        assertTrue(run.cancel(false));
        t.join();
        assertTrue(run.isCancelled());
        assertEquals(CancellationStage.CHECKPOINT, run.cancellationStage().orElseThrow());
    }

    @Test
    void timeout_failsWithTaskTimedOut() throws Exception {
        TaskRun<Integer> run = new TaskRun<>(3, ctx -> {
            while (true) {
                ctx.checkpoint();
                Thread.onSpinWait();
            }
        }, new CountingOwner());
        Thread t = new Thread(() -> run.execute(new BasicTaskContext(run)));
        t.start();
        await().until(() -> run.taskState() == TaskState.RUNNING);
        Timeouts.stopAfter(run, Duration.ofMillis(20).toNanos(), () -> new TaskTimedOutException(3, Duration.ofMillis(20)));
        t.join();
        CompletionException e = assertThrows(CompletionException.class, run::join);
        assertInstanceOf(TaskTimedOutException.class, e.getCause());
        assertEquals(TaskState.FAILED, run.taskState());
    }

    /**
     * The race the state machine exists for: cancel against start. Whoever wins, the handle completes exactly once,
     * the owner hears "ended" exactly once, a withdrawn task never runs, and no interrupt survives the task.
     */
    @RepeatedTest(1000)
    void cancelRacingStart_endsExactlyOnce() throws Exception {
        CountingOwner owner = new CountingOwner();
        AtomicInteger bodies = new AtomicInteger();
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> {
            bodies.incrementAndGet();
            ctx.checkpoint();
            return 1;
        }, owner);
        CyclicBarrier barrier = new CyclicBarrier(2);
        AtomicBoolean interruptLeftOver = new AtomicBoolean();
        AtomicBoolean cancelResult = new AtomicBoolean();
        Thread runner = new Thread(() -> {
            awaitBarrier(barrier);
            run.execute(new BasicTaskContext(run));
            interruptLeftOver.set(Thread.interrupted());
        });
        Thread canceller = new Thread(() -> {
            awaitBarrier(barrier);
            cancelResult.set(run.cancel(true));
        });
        runner.start();
        canceller.start();
        runner.join();
        canceller.join();

        assertTrue(run.isDone());
        assertEquals(1, owner.ended.get());
        assertFalse(interruptLeftOver.get());
        if (run.isCancelled()) {
            assertTrue(cancelResult.get());
            CancellationStage stage = run.cancellationStage().orElseThrow();
            assertEquals(stage == CancellationStage.NOT_STARTED ? 0 : 1, bodies.get(), stage::toString);
            assertThrows(CancellationException.class, run::join);
        } else {
            assertFalse(cancelResult.get());
            assertEquals(1, run.join());
            assertEquals(1, bodies.get());
        }
    }

    @Test
    void cancelWithInterrupt_taskSwallowsTheInterruptAndReturns_endsIgnored() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                return 7; // swallows the interrupt and finishes its work anyway
            }
            return 0;
        }, new CountingOwner());
        boolean interruptLeftOver = runOnAThread(run, started, () -> assertTrue(run.cancel(true)));
        assertTrue(run.isCancelled());
        assertEquals(CancellationStage.IGNORED, run.cancellationStage().orElseThrow(),
                "the interrupt marker is replaced by the final stage");
        assertFalse(interruptLeftOver);
    }

    /** A backend may interrupt the runner without a stop request; the run then ends as what the task did. */
    @Test
    void interruptRunner_withoutStopRequest_leavesNoStageOnASuccessfulRun() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> {
            started.countDown();
            interrupted.await(); // the interrupt from interruptRunner lands on this thread meanwhile
            return 5;
        }, new CountingOwner());
        boolean interruptLeftOver = runOnAThread(run, started, () -> {
            run.interruptRunner();
            interrupted.countDown();
        });
        if (run.isCompletedExceptionally()) { // the await saw the interrupt first: a plain failure
            assertEquals(TaskState.FAILED, run.taskState());
        } else {
            assertEquals(5, run.join());
            assertEquals(TaskState.SUCCEEDED, run.taskState());
        }
        assertTrue(run.cancellationStage().isEmpty());
        assertFalse(interruptLeftOver, "our interrupt is cleared from the runner thread");
    }

    @Test
    void recordCpuTime_showsInTimings_andIsEmptyUntilRecorded() {
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> 1, new CountingOwner());
        run.execute(new BasicTaskContext(run));
        assertTrue(run.timings().cpuTime().isEmpty());
        run.recordCpuTime(Duration.ofMillis(3));
        assertEquals(Duration.ofMillis(3), run.timings().cpuTime().orElseThrow());
    }

    @Test
    void name_isTheTasksName() {
        TaskRun<Integer> run = new TaskRun<>(1, io.stratagem.Task.of("fetch", io.stratagem.Profile.io(Duration.ofMillis(1)), ctx -> 1),
                new CountingOwner());
        assertEquals("fetch", run.name());
    }

    @Test
    void execute_tellsABasicContextHowLongTheTaskRan_beforeTheHandleCompletes() {
        java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> 1, new CountingOwner());
        run.execute(new BasicTaskContext(run) {
            @Override
            protected void ran(long runNanos) {
                seen.set((run.isDone() ? "done" : "not done") + (runNanos >= 0 ? ", measured" : ", negative"));
            }
        });
        assertEquals("not done, measured", seen.get());
        assertEquals(1, run.join());
    }

    private static void awaitBarrier(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** An owner that completes the run itself when a caller is about to wait in join (as a backend that helps would). */
    @Test
    void join_letsTheOwnerHelpBeforeBlocking_onlyWhileTheRunIsNotDone() {
        AtomicInteger helped = new AtomicInteger();
        TaskRun.Owner helping = new TaskRun.Owner() {
            @Override
            public void withdrawn(TaskRun<?> run) {
            }

            @Override
            public void stopRequested(TaskRun<?> run, boolean mayInterrupt) {
            }

            @Override
            public void ended(TaskRun<?> run) {
            }

            @Override
            public void awaiting(TaskRun<?> run) {
                helped.incrementAndGet();
                @SuppressWarnings("unchecked")
                TaskRun<Integer> r = (TaskRun<Integer>) run;
                r.succeed(5);
            }
        };
        TaskRun<Integer> run = new TaskRun<>(1, ctx -> 0, helping);
        assertTrue(run.tryStart(null));
        assertEquals(5, run.join());
        assertEquals(5, run.join());
        assertEquals(1, helped.get(), "asked once: the second join found the run done");
    }

    /** The default hook does nothing: join then blocks until another thread completes the run. */
    @RepeatedTest(20)
    void join_withTheDefaultHook_waitsForAnotherThread() throws Exception {
        TaskRun<Integer> run = new TaskRun<>(2, ctx -> 0, new CountingOwner());
        assertTrue(run.tryStart(null));
        CountDownLatch joining = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            await().until(() -> joining.getCount() == 0);
            run.succeed(9);
        });
        joining.countDown();
        assertEquals(9, run.join());
        t.join();
    }
}
