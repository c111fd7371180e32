package io.stratagem.process;

import io.stratagem.CancellationStage;
import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.WorkerCrashedException;
import io.stratagem.testkit.Gate;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A caller blocked in {@code join()} on the one task outstanding at a worker reads that worker's answer itself
 * (leader/follower with the worker's lifecycle thread, {@code ReaderRole}). These mix joining callers with tasks
 * nobody joins (which only the lifecycle thread can read), long tasks (the joining caller gives the role back after
 * one batch), crashes and cancellation, repeatedly: every task must end once and correctly, none may hang.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolJoinReadsTest extends PoolTestSupport {

    static Task<Integer> inc(int x) {
        return ctx -> x + 1;
    }

    /** Joining callers on several threads, and futures nobody joins, interleaved on the same workers. */
    @RepeatedTest(5)
    void joiningCallersAndUnjoinedTasks_allCompleteCorrectly() throws Exception {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(2));
        int threads = 4;
        int each = 1_500;
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            callers.add(CompletableFuture.runAsync(() -> {
                await(start);
                for (int i = 0; i < each; i++) {
                    int x = id * 1_000_000 + i;
                    if (id == 0 && i % 3 == 0) {
                        // not joined here: only the lifecycle thread (or another caller's batch) reads its answer
                        s.submit(inc(x)).whenComplete((v, e) -> {
                            if (e != null || v != x + 1) {
                                wrong.add(x + " -> " + v + " / " + e);
                            }
                        });
                        continue;
                    }
                    int v = s.submit(inc(x)).join();
                    if (v != x + 1) {
                        wrong.add(x + " -> " + v);
                    }
                }
            }, r -> Thread.ofPlatform().start(r)));
        }
        await(start);
        CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(100, TimeUnit.SECONDS);
        // The unjoined futures: a final round trip per worker cannot overtake them all; then check nothing went wrong.
        List<TaskHandle<Integer>> tail = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            tail.add(s.submit(inc(i)));
        }
        for (int i = 0; i < tail.size(); i++) {
            assertEquals(i + 1, tail.get(i).join());
        }
        s.close(); // waits for every task, the unjoined ones included (a lost one fails the test by its timeout)
        assertTrue(s.isTerminated());
        assertTrue(wrong.isEmpty(), () -> "wrong outcomes: " + wrong);
    }

    /**
     * The first task of a fresh pool is sent by the lifecycle thread as the worker becomes ready, which then reads its
     * answer itself about as soon as the joining caller wants to: a caller that found the task outstanding but took the
     * role only after its outcome was read must not read on (once, it waited forever on an idle worker).
     */
    @RepeatedTest(25)
    void theFirstTaskOfAFreshPool_joinedAtOnce_completes() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(2));
        assertEquals(1, s.submit(inc(0)).join());
        assertEquals(2, s.submit(inc(1)).join());
    }

    /** A task that outlives the first batch its caller reads (its STARTED frame alone): the caller gives the role back. */
    @RepeatedTest(5)
    void aLongTask_joinedWhileOthersRoundTrip_completes() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        assertEquals(1, s.submit(inc(0)).join()); // the worker is up and has a run time estimate
        TaskHandle<Integer> slow = s.submit(PoolTasks.cpuFor(30));
        CompletableFuture<Integer> joined = CompletableFuture.supplyAsync(slow::join, r -> Thread.ofPlatform().start(r));
        for (int i = 0; i < 200; i++) {
            assertEquals(i + 1, s.submit(inc(i)).join());
        }
        assertTrue(joined.join() >= 0);
    }

    /** A worker that halts while its one task's caller reads its pipe: the end of the stream is handed over. */
    @RepeatedTest(5)
    void aCrashWhileTheCallerReads_failsThatTask_andThePoolGoesOn() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        assertEquals(1, s.submit(inc(0)).join());
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> s.submit(PoolTasks.halt(7, "bye")).join());
        assertInstanceOf(WorkerCrashedException.class, e.getCause());
        for (int i = 0; i < 50; i++) {
            assertEquals(i + 1, s.submit(inc(i)).join());
        }
    }

    /** Cancelled from another thread while its caller reads: the CANCEL reaches the task, the caller sees the end. */
    @RepeatedTest(5)
    void cancelWhileTheCallerReads_endsAtTheCheckpoint() throws Exception {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        assertEquals(1, s.submit(inc(0)).join());
        Gate gate = gate();
        TaskHandle<Integer> h = s.submit(spinToCheckpoint(gate));
        CompletableFuture<Throwable> joined = CompletableFuture.supplyAsync(() -> {
            try {
                h.join();
                return null;
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                return e;
            }
        }, r -> Thread.ofPlatform().start(r));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> gate.marked("started"));
        assertTrue(h.cancel(true));
        assertInstanceOf(java.util.concurrent.CancellationException.class, joined.get(30, TimeUnit.SECONDS));
        assertEquals(CancellationStage.CHECKPOINT, h.cancellationStage().orElseThrow());
        assertEquals(2, s.submit(inc(1)).join());
    }

    /** Marks {@code started}, then spins through checkpoints until cancelled. */
    static Task<Integer> spinToCheckpoint(Gate gate) {
        return ctx -> {
            gate.mark("started");
            while (true) {
                ctx.checkpoint();
                Thread.onSpinWait();
            }
        };
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
