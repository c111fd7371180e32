package io.stratagem.process;

import io.stratagem.CancellationStage;
import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import io.stratagem.testkit.Gate;
import io.stratagem.testkit.KitTasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancellation racing the pool's hand-over of a task to a worker: a handle that says "cancelled before it started"
 * ({@link CancellationStage#NOT_STARTED}) must mean the task never ran, and cancelling must not block on a worker's
 * pipe.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProcessPoolCancelRaceTest extends PoolTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /**
     * One worker; task {@code a} runs about 3 ms with {@code b} submitted behind it (so {@code b} is sent ahead into
     * the worker's own queue), and {@code b} is cancelled at a point swept across the moment the worker moves from
     * {@code a} to {@code b}. Each {@code b} either ran (and then is not NOT_STARTED) or did not (and then is). Every
     * tenth {@code b} is cancelled while {@code a} still runs, so that the withdrawn side is exercised however fast the
     * worker moves on (on a quiet machine the sweep alone can find every {@code b} already started).
     */
    @Test
    void cancel_ofATaskAlreadySentToAWorker_neverReportsNotStartedForWorkThatRan() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        Gate g = gate();
        assertEquals(0, s.submit(KitTasks.value(0)).join()); // worker up, run times known: send-ahead is on
        int notStarted = 0;
        int ran = 0;
        for (int i = 0; i < 300; i++) {
            s.submit(KitTasks.sleepThenMark(g, "a" + i, 3, 0));
            TaskHandle<Integer> b = s.submit(KitTasks.marking(g, "b" + i, 1));
            if (i % 10 != 0) {
                String doneA = "done-a" + i;
                spinUntil(() -> g.marked(doneA)); // spinning, not polling: the sweep below needs microsecond precision
                long until = System.nanoTime() + (i % 30) * 10_000L; // sweep 0..290 us after a's end
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            } // else cancel while a still runs: b is then withdrawn from the worker's queue, however fast the worker
            b.cancel(true);
            assertEquals(2, s.submit(KitTasks.value(2)).join()); // the single worker has dealt with b by now
            await().atMost(PATIENCE).until(b::isDone);
            boolean reportedNotStarted = b.isCancelled()
                    && b.cancellationStage().orElse(null) == CancellationStage.NOT_STARTED;
            boolean bRan = g.marked("ran-b" + i);
            assertEquals(!bRan, reportedNotStarted, "b" + i + ": ran=" + bRan + ", handle " + b.taskState() + " "
                    + b.cancellationStage());
            notStarted += reportedNotStarted ? 1 : 0;
            ran += bRan ? 1 : 0;
        }
        assertTrue(notStarted > 0, "the sweep withdrew some b before it started (ran " + ran + ")");
    }

    /**
     * shutdownNow withdraws a task whose BLOCK-policy submit is still waiting for room in the queue; the waiting
     * submit must then not queue it anyway (it would run after the pool said it never started).
     */
    @Test
    void shutdownNow_whileASubmitWaitsForRoom_neverRunsTheWithdrawnTask() throws Exception {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1).inFlightPerWorker(1)
                .queue(1, ProcessPoolStrategy.QueuePolicy.BLOCK));
        Gate g = gate();
        TaskHandle<Integer> running = s.submit(KitTasks.gated(g, "running", 0));
        await().atMost(PATIENCE).until(() -> g.marked("started-running"));
        Task<Integer> first = KitTasks.marking(g, "q1", 1);
        TaskHandle<Integer> queued = s.submit(first);
        Task<Integer> blocked = KitTasks.marking(g, "q2", 2);
        AtomicReference<TaskHandle<Integer>> late = new AtomicReference<>();
        Thread submitter = new Thread(() -> late.set(s.submit(blocked)), "blocked-submitter");
        submitter.start();
        await().atMost(PATIENCE).until(() -> submitter.getState() == Thread.State.WAITING);

        List<Task<?>> never = s.shutdownNow();

        submitter.join(PATIENCE.toMillis());
        assertFalse(submitter.isAlive(), "the waiting submit returned");
        assertEquals(List.of(first, blocked), never);
        assertTrue(s.awaitTermination(PATIENCE));
        TaskHandle<Integer> h = late.get();
        assertNotNull(h);
        assertTrue(h.isCancelled());
        assertEquals(CancellationStage.NOT_STARTED, h.cancellationStage().orElseThrow());
        assertSame(CancellationStage.NOT_STARTED, queued.cancellationStage().orElseThrow());
        assertTrue(running.isCancelled());
        assertFalse(g.marked("ran-q1"), "q1 never ran");
        assertFalse(g.marked("ran-q2"), "q2 never ran");
    }

    /**
     * A stopped worker (SIGSTOP) whose stdin pipe is full: a TASK write to it blocks. {@code cancel} of its running
     * task must still return at once (the CANCEL frame waits in the worker's control lane, not on the caller's thread),
     * and once the worker resumes the CANCEL reaches it and the task stops at its checkpoint.
     */
    @Test
    void cancel_whileTheWorkersPipeIsFull_doesNotBlockTheCaller() throws Exception {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1).cancelGrace(Duration.ofSeconds(90)));
        Gate g = gate();
        long pid = s.submit(PoolTasks.workerPid()).join(); // also makes run times known: send-ahead is on
        TaskHandle<Integer> spin = s.submit(KitTasks.spinUntilCancelled(g, "spin"));
        await().atMost(PATIENCE).until(() -> g.marked("started-spin"));
        signal("STOP", pid);
        try {
            AtomicReference<TaskHandle<Integer>> big = new AtomicReference<>();
            Thread submitter = new Thread(() -> big.set(s.submit(carrying(new byte[4 << 20], 7))), "big-submitter");
            submitter.start(); // its TASK frame is far larger than the pipe: the write blocks, holding the write lock
            await().atMost(PATIENCE).until(() -> blockedInPipeWrite(submitter));

            Thread canceller = new Thread(() -> spin.cancel(true), "canceller");
            canceller.start();
            // Returns at once when correct; a cancel writing on the caller's thread would wait here for SIGCONT.
            await("cancel returned while the worker was stopped").atMost(PATIENCE).until(() -> !canceller.isAlive());
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "no kill yet");
            assertEquals(TaskState.RUNNING, spin.taskState());

            signal("CONT", pid);
            submitter.join(PATIENCE.toMillis());
            await().atMost(PATIENCE).until(spin::isDone);
            assertTrue(spin.isCancelled());
            assertEquals(CancellationStage.CHECKPOINT, spin.cancellationStage().orElseThrow());
            assertEquals(7, big.get().join());
        } finally {
            signal("CONT", pid);
        }
    }

    private static boolean blockedInPipeWrite(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals("java.io.FileOutputStream") && e.getMethodName().startsWith("write")) {
                return true;
            }
        }
        return false;
    }

    private static void spinUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within " + PATIENCE);
            Thread.onSpinWait();
        }
    }

    private static Task<Integer> carrying(byte[] payload, int v) {
        return ctx -> payload.length >= 0 ? v : -1;
    }

    private static void signal(String sig, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }
}
