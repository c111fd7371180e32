package io.stratagem.classify;

import io.stratagem.testkit.ReferenceStrategy;
import io.stratagem.Backend;
import io.stratagem.BackendNotAvailableException;
import io.stratagem.CancellationStage;
import io.stratagem.Profile;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskContext;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import io.stratagem.internal.classify.AutoPlacer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task placed on a backend that has not started it yet is still QUEUED on the auto strategy: it can be withdrawn,
 * never runs once withdrawn, and no backend is created for a run withdrawn before its placement.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AutoPlacerQueueTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final List<ReferenceStrategy> created = new CopyOnWriteArrayList<>();
    private final List<AutoPlacer> opened = new ArrayList<>();

    /** An auto strategy whose only backend is GIL_THREADS with {@code parallelism} threads. */
    private AutoPlacer threadsOnly(int parallelism) {
        AutoPlacer a = new AutoPlacer(Semantics.JVM, AutoPlacerTest.ENV, b -> {
            if (b != Backend.GIL_THREADS) {
                throw new BackendNotAvailableException(b);
            }
            ReferenceStrategy f = new ReferenceStrategy(b, Semantics.JVM, parallelism);
            created.add(f);
            return f;
        });
        opened.add(a);
        return a;
    }

    @AfterEach
    void closeAll() {
        for (Strategy s : opened) {
            s.shutdownNow();
            s.close();
        }
        created.forEach(f -> assertTrue(f.isTerminated(), f + " should be closed with the auto strategy"));
    }

    /** Blocks its thread until {@code release}; declares a profile, so it is placed at once, never held. */
    private static Task<Integer> blocker(CountDownLatch started, CountDownLatch release) {
        return Task.of("blocker", Profile.io(Duration.ofSeconds(1)), ctx -> {
            started.countDown();
            ctx.blocking(() -> {
                release.await();
                return null;
            });
            return 0;
        });
    }

    private static Task<Long> recording(Set<Long> ran) {
        return Task.of("quick", Profile.io(Duration.ofMillis(1)), ctx -> {
            ran.add(ctx.taskId());
            return ctx.taskId();
        });
    }

    @Test
    void aTaskWaitingOnItsBackend_isQueued_andCancellingItWithdrawsIt() {
        AutoPlacer a = threadsOnly(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Set<Long> ran = ConcurrentHashMap.newKeySet();
        TaskHandle<Integer> running = a.submit(blocker(started, release));
        await().atMost(PATIENCE).until(() -> started.getCount() == 0);

        TaskHandle<Long> queued = a.submit(recording(ran));
        assertEquals(1L, a.report().kind("quick").orElseThrow().placements().get(Backend.GIL_THREADS),
                "placed on its backend, not held");
        assertEquals(TaskState.QUEUED, queued.taskState());
        assertTrue(queued.cancel(true));
        assertTrue(queued.isDone(), "withdrawn at once");
        assertEquals(CancellationStage.NOT_STARTED, queued.cancellationStage().orElseThrow());

        release.countDown();
        assertEquals(0, running.join());
        TaskHandle<Long> after = a.submit(recording(ran));
        assertEquals(after.id(), after.join());
        assertEquals(Set.of(after.id()), ran, "the withdrawn task never ran");
    }

    @Test
    void shutdownNow_returnsTheTasksWaitingOnTheirBackend_inSubmissionOrder() {
        AutoPlacer a = threadsOnly(1);
        CountDownLatch started = new CountDownLatch(1);
        Set<Long> ran = ConcurrentHashMap.newKeySet();
        TaskHandle<Integer> running = a.submit(blocker(started, new CountDownLatch(1)));
        await().atMost(PATIENCE).until(() -> started.getCount() == 0);
        List<Task<Long>> tasks = List.of(recording(ran), recording(ran), recording(ran));
        List<TaskHandle<Long>> queued = tasks.stream().map(a::submit).toList();

        List<Task<?>> never = a.shutdownNow();

        assertEquals(3, never.size());
        for (int i = 0; i < 3; i++) {
            assertSame(tasks.get(i), never.get(i));
            assertEquals(CancellationStage.NOT_STARTED, queued.get(i).cancellationStage().orElseThrow());
        }
        a.close();
        assertTrue(running.isCancelled());
        assertEquals(Set.of(), ran);
    }

    @Test
    void cancelRacingWithTheStart_eitherRunsTheTaskOrWithdrawsIt_neverBoth() throws Exception {
        AutoPlacer a = threadsOnly(2);
        Set<Long> ran = ConcurrentHashMap.newKeySet();
        List<TaskHandle<Long>> hs = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            // both backend threads blocked, so the whole batch waits on the backend; then the threads start it from
            // the oldest while another thread cancels it from the newest, and the two meet
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch go = new CountDownLatch(1);
            List<TaskHandle<Integer>> blockers = List.of(a.submit(blocker(started, go)), a.submit(blocker(started, go)));
            assertTrue(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            List<TaskHandle<Long>> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(a.submit(recording(ran)));
            }
            Thread canceller = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                batch.reversed().forEach(h -> h.cancel(true));
            });
            go.countDown();
            canceller.join();
            blockers.forEach(TaskHandle::join);
            hs.addAll(batch);
        }
        a.close();
        int withdrawn = 0;
        for (TaskHandle<Long> h : hs) {
            assertTrue(h.isDone());
            if (h.cancellationStage().orElse(null) == CancellationStage.NOT_STARTED) {
                withdrawn++;
                assertFalse(ran.contains(h.id()), "task " + h.id() + " was withdrawn, yet it ran");
            } else if (!h.isCancelled()) {
                assertTrue(ran.contains(h.id()), "task " + h.id() + " succeeded without running");
            }
        }
        assertTrue(withdrawn > 0, "some cancels should land while tasks wait on the backend");
    }

    /** A task whose {@link #profile()} (read in the auto strategy's dispatch) waits, to stop its submit midway. */
    private record PausingProfile(CountDownLatch inDispatch, CountDownLatch proceed) implements Task<Integer> {
        @Override
        public Integer run(TaskContext ctx) {
            return 1;
        }

        @Override
        public Optional<Profile> profile() {
            inDispatch.countDown();
            try {
                proceed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
    }

    @Test
    void aRunWithdrawnBeforeItsPlacement_createsNoBackend_evenAfterTheRelease() throws Exception {
        AutoPlacer a = threadsOnly(1);
        PausingProfile task = new PausingProfile(new CountDownLatch(1), new CountDownLatch(1));
        AtomicReference<TaskHandle<Integer>> handle = new AtomicReference<>();
        Thread submitter = Thread.ofPlatform().start(() -> handle.set(a.submit(task)));
        assertTrue(task.inDispatch().await(PATIENCE.toSeconds(), TimeUnit.SECONDS));

        List<Task<?>> never = a.shutdownNow(); // the only live run is withdrawn: the strategy is released
        task.proceed().countDown();
        submitter.join();

        assertEquals(List.of(task), never);
        assertEquals(CancellationStage.NOT_STARTED, handle.get().cancellationStage().orElseThrow());
        assertTrue(a.awaitTermination(PATIENCE));
        assertEquals(List.of(), created, "no backend may be created for a withdrawn run after the release");
    }
}
