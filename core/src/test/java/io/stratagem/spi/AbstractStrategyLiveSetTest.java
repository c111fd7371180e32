package io.stratagem.spi;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.StrategyClosedException;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live set of {@link AbstractStrategy} (striped intrusive lists through the runs): every queued and running run
 * is found by {@code shutdownNow}, whatever stripe it is on, and the release happens exactly once however the last
 * runs end.
 */
class AbstractStrategyLiveSetTest {

    /** Keeps every dispatched run queued until a test starts it; counts releases. */
    static final class HoldingStrategy extends AbstractStrategy {
        final List<TaskRun<?>> dispatched = new ArrayList<>();
        final AtomicInteger releases = new AtomicInteger();
        volatile boolean rejectNext;

        HoldingStrategy() {
            super("holding", Backend.GIL_THREADS, Semantics.JVM);
        }

        @Override
        protected synchronized void dispatch(TaskRun<?> run) {
            if (rejectNext) {
                rejectNext = false;
                throw new RejectedExecutionException("full");
            }
            dispatched.add(run);
        }

        @Override
        protected void release() {
            releases.incrementAndGet();
        }

        synchronized List<TaskRun<?>> dispatchedRuns() {
            return new ArrayList<>(dispatched);
        }

        int live() {
            return liveCount();
        }
    }

    /** Runs {@code run} on a new platform thread, as a backend would. */
    private static Thread startOnThread(TaskRun<?> run) {
        Thread t = new Thread(() -> run.execute(new BasicTaskContext(run)), "live-set-test-" + run.id());
        t.start();
        return t;
    }

    @Test
    void shutdownNow_manyQueuedRuns_returnsEveryOneInSubmissionOrder() {
        HoldingStrategy s = new HoldingStrategy();
        List<Task<Integer>> tasks = new ArrayList<>();
        List<TaskHandle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < 1000; i++) { // far more runs than stripes, so every stripe holds a long list
            int v = i;
            Task<Integer> t = ctx -> v;
            tasks.add(t);
            handles.add(s.submit(t));
        }
        assertEquals(1000, s.live());

        List<Task<?>> neverStarted = s.shutdownNow();

        assertEquals(tasks, neverStarted);
        assertTrue(handles.stream().allMatch(h -> h.taskState() == TaskState.CANCELLED));
        assertEquals(0, s.live());
        assertTrue(s.isTerminated());
        assertEquals(1, s.releases.get());
    }

    @Test
    void shutdownNow_queuedAndRunning_withdrawsQueuedAndStopsRunning() throws Exception {
        HoldingStrategy s = new HoldingStrategy();
        CountDownLatch started = new CountDownLatch(10);
        List<TaskHandle<Object>> running = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            running.add(s.submit(ctx -> {
                started.countDown();
                ctx.sleep(Duration.ofDays(1)); // until stopped
                return null;
            }));
        }
        List<Task<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Task<Integer> t = ctx -> 1;
            queued.add(t);
            s.submit(t);
        }
        List<Thread> threads = new ArrayList<>();
        for (TaskRun<?> run : s.dispatchedRuns().subList(0, 10)) {
            threads.add(startOnThread(run));
        }
        started.await();

        List<Task<?>> neverStarted = s.shutdownNow();

        assertEquals(queued, neverStarted);
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(running.stream().allMatch(h -> h.taskState() == TaskState.CANCELLED));
        assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
        assertEquals(0, s.live());
        assertEquals(1, s.releases.get());
    }

    @Test
    void submit_dispatchRejects_runLeavesTheLiveSet() {
        HoldingStrategy s = new HoldingStrategy();
        s.submit(ctx -> 1);
        s.rejectNext = true;

        assertThrows(RejectedExecutionException.class, () -> s.submit(ctx -> 2));

        assertEquals(1, s.live());
        assertEquals(1, s.shutdownNow().size());
        assertEquals(0, s.live());
    }

    @Test
    void submit_afterShutdown_rejectsAndLinksNothing() {
        HoldingStrategy s = new HoldingStrategy();
        s.shutdownNow();

        assertThrows(StrategyClosedException.class, () -> s.submit(ctx -> 1));

        assertEquals(0, s.live());
        assertEquals(1, s.releases.get());
    }

    @Test
    void cancel_queuedRun_leavesTheLiveSetOthersStay() {
        HoldingStrategy s = new HoldingStrategy();
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            hs.add(s.submit(ctx -> 1));
        }
        for (int i = 0; i < 40; i += 3) { // heads, tails and middles of the stripes' lists
            assertTrue(hs.get(i).cancel(false));
        }

        assertEquals(40 - 14, s.live());
        assertEquals(40 - 14, s.shutdownNow().size());
        assertEquals(0, s.live());
    }

    /**
     * The last runs end at the same moment on different threads (and stripes) while the strategy is shutting down:
     * exactly one of them, or shutdown itself, must release the backend; never none (a hang) and never two.
     */
    @RepeatedTest(200)
    void ended_lastRunsEndTogetherDuringShutdown_releasesExactlyOnce() throws Exception {
        HoldingStrategy s = new HoldingStrategy();
        int n = 8;
        CyclicBarrier together = new CyclicBarrier(n + 1);
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hs.add(s.submit(ctx -> {
                together.await();
                return 1;
            }));
        }
        for (TaskRun<?> run : s.dispatchedRuns()) {
            startOnThread(run);
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
        together.await(); // all runs now return at once, racing close()'s shutdown
        closing.get(10, TimeUnit.SECONDS); // a lost release would leave close() waiting

        assertTrue(s.isTerminated());
        assertEquals(1, s.releases.get());
        for (TaskHandle<Integer> h : hs) {
            assertSame(1, h.join());
        }
        assertEquals(0, s.live());
    }
}
