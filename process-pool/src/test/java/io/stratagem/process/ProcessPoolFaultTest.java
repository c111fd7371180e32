package io.stratagem.process;

import io.stratagem.CancellationStage;
import io.stratagem.Strategy;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import io.stratagem.TaskTimedOutException;
import io.stratagem.WorkerCrashedException;
import io.stratagem.process.internal.WorkerProtocol;
import io.stratagem.testkit.Gate;
import io.stratagem.testkit.KitTasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dead or stuck worker fails only its own task; the pool replaces it and stays usable. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolFaultTest extends PoolTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static WorkerCrashedException crashOf(TaskHandle<?> h) {
        CompletionException e = assertThrows(CompletionException.class, h::join);
        return assertInstanceOf(WorkerCrashedException.class, e.getCause());
    }

    @Test
    void systemExit_failsOnlyThatTask_andThePoolStaysUsable() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(2));
        List<TaskHandle<Integer>> before = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            before.add(s.submit(KitTasks.value(i)));
        }
        TaskHandle<Integer> crash = s.submit(PoolTasks.exit(7));
        List<TaskHandle<Integer>> after = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            after.add(s.submit(KitTasks.value(100 + i)));
        }
        WorkerCrashedException e = crashOf(crash);
        assertEquals(7, e.exitCode().orElseThrow());
        for (int i = 0; i < 20; i++) {
            assertEquals(i, before.get(i).join());
            assertEquals(100 + i, after.get(i).join(), "tasks queued behind the crash are resent, not lost");
        }
        assertEquals(5, s.submit(KitTasks.value(5)).join());
    }

    @Test
    void runtimeHalt_reportsTheExitCodeAndTheLastStderrLines() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        WorkerCrashedException e = crashOf(s.submit(PoolTasks.halt(9, "last words before halting")));
        assertEquals(9, e.exitCode().orElseThrow());
        assertTrue(e.stderrTail().contains("last words before halting"), e.stderrTail()::toString);
        assertTrue(e.getMessage().contains("last words before halting"), e.getMessage());
        assertEquals(1, s.submit(KitTasks.value(1)).join());
    }

    @Test
    void sigkillFromOutside_failsTheRunningTaskWithTheSignal() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        Gate g = gate();
        TaskHandle<Integer> h = s.submit(PoolTasks.spinForever(g, "victim"));
        await().atMost(PATIENCE).until(() -> g.marked("started-victim"));
        ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
        WorkerCrashedException e = crashOf(h);
        assertEquals(128 + 9, e.exitCode().orElseThrow(), e::getMessage);
        assertTrue(e.getMessage().contains("signal 9"), e.getMessage());
        assertEquals(2, s.submit(KitTasks.value(2)).join());
    }

    @Test
    void outOfMemory_killsOnlyThatWorker() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1).heap("32m"));
        WorkerCrashedException e = crashOf(s.submit(PoolTasks.allocateUntilOom()));
        assertTrue(e.getMessage().contains("OutOfMemoryError"), e.getMessage());
        assertEquals(3, s.submit(KitTasks.value(3)).join());
    }

    @Test
    void idempotentTask_isRetriedOnAnotherWorkerAfterACrash() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(2));
        Gate g = gate();
        assertEquals(11, s.submit(ProcessPoolStrategy.idempotent(PoolTasks.crashOnce(g, "a", 11))).join());
        assertTrue(g.marked("crashed-a"), "the first attempt crashed");
        Gate g2 = gate();
        crashOf(s.submit(PoolTasks.crashOnce(g2, "b", 12))); // not marked idempotent: no retry
    }

    @Test
    void cancel_ofATaskIgnoringCheckpointsButSleeping_stopsItByInterrupt() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1).cancelGrace(Duration.ofSeconds(4)));
        Gate g = gate();
        TaskHandle<Integer> h = s.submit(PoolTasks.threadSleepForever(g, "sleeper"));
        await().atMost(PATIENCE).until(() -> g.marked("started-sleeper"));
        assertTrue(h.cancel(true));
        await().atMost(PATIENCE).until(h::isDone);
        assertTrue(h.isCancelled());
        assertEquals(CancellationStage.INTERRUPT, h.cancellationStage().orElseThrow());
        assertEquals(1, s.submit(KitTasks.value(1)).join(), "the same worker goes on");
    }

    @Test
    void cancel_ofATaskIgnoringEverything_killsAndReplacesTheWorker() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1).cancelGrace(Duration.ofMillis(300)));
        Gate g = gate();
        TaskHandle<Integer> h = s.submit(PoolTasks.spinForever(g, "stubborn"));
        TaskHandle<Integer> behind = s.submit(KitTasks.value(8));
        await().atMost(PATIENCE).until(() -> g.marked("started-stubborn"));
        assertTrue(h.cancel(true));
        await().atMost(PATIENCE).until(h::isDone);
        assertTrue(h.isCancelled());
        assertEquals(CancellationStage.KILLED, h.cancellationStage().orElseThrow());
        assertEquals(8, behind.join(), "a task queued in the killed worker runs on its replacement");
    }

    @Test
    void timeout_ofATaskIgnoringEverything_killsTheWorkerAndFailsWithTimedOut() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1).cancelGrace(Duration.ofMillis(200)));
        Gate g = gate();
        TaskHandle<Integer> h = s.submit(PoolTasks.spinForever(g, "slow"), Duration.ofMillis(300));
        CompletionException e = assertThrows(CompletionException.class, h::join);
        assertInstanceOf(TaskTimedOutException.class, e.getCause());
        assertEquals(TaskState.FAILED, h.taskState());
        assertEquals(CancellationStage.KILLED, h.cancellationStage().orElseThrow());
        assertEquals(4, s.submit(KitTasks.value(4)).join());
    }

    @Test
    void malformedFrameFromAWorker_failsItsTaskClearly_andReplacesIt() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        WorkerCrashedException e = crashOf(s.submit(PoolTasks.corruptProtocol()));
        assertTrue(e.getMessage().contains("protocol error") && e.getMessage().contains("bad frame length"),
                e.getMessage());
        assertEquals(6, s.submit(KitTasks.value(6)).join());
    }

    @Test
    void systemOutInsideATask_doesNotCorruptTheProtocol() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        assertEquals(77, s.submit(PoolTasks.printLots(2_000, 77)).join());
    }

    @Test
    void aTaskExitingWithTheStartFailedCode_isACrash_notAFailedStart() {
        // A worker that said READY and then could not start its threads exits with EXIT_START_FAILED and counts
        // towards the crash-loop stop; a task that exits with the same code ran first, so it is an ordinary crash.
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1).maxStartFailures(1));
        WorkerCrashedException e = crashOf(s.submit(PoolTasks.exit(WorkerProtocol.EXIT_START_FAILED)));
        assertEquals(WorkerProtocol.EXIT_START_FAILED, e.exitCode().orElseThrow(), e.getMessage());
        assertEquals(6, s.submit(KitTasks.value(6)).join());
    }

    @Test
    void aWorkerStuckAtStart_isKilledAfterTheStartTimeout() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1).startTimeout(Duration.ofMillis(300))
                .initializer(() -> new java.util.concurrent.CountDownLatch(1).await()).maxStartFailures(1));
        CompletionException e = assertThrows(CompletionException.class, () -> s.submit(KitTasks.value(1)).join());
        assertInstanceOf(WorkerStartException.class, e.getCause());
    }
}
