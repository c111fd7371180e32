package io.stratagem.classify;

import io.stratagem.testkit.ReferenceStrategy;
import io.stratagem.AutoStrategy;
import io.stratagem.Backend;
import io.stratagem.BackendNotAvailableException;
import io.stratagem.Calibration;
import io.stratagem.CancellationStage;
import io.stratagem.Environment;
import io.stratagem.PlacementReport;
import io.stratagem.Profile;
import io.stratagem.Semantics;
import io.stratagem.StrategyClosedException;
import io.stratagem.Task;
import io.stratagem.TaskContext;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import io.stratagem.TaskTimedOutException;
import io.stratagem.internal.classify.AutoPlacer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The auto strategy over fake backends: where it places, what it observes, and that it keeps the task contract. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AutoPlacerTest {

    /** Two cores, default costs, but a cheap worker start so the process pool is worth using in short tests. */
    static final Environment ENV = new Environment(2,
            Calibration.defaults().with(Map.of("workerStartNanos", 1e6)));
    static final Duration PATIENCE = Duration.ofSeconds(30);

    final Map<Backend, ReferenceStrategy> fakes = new EnumMap<>(Backend.class);
    final List<AutoStrategy> opened = new ArrayList<>();

    AutoStrategy open(Semantics s, Backend... missing) {
        return open(s, ENV, missing);
    }

    AutoStrategy open(Semantics s, Environment env, Backend... missing) {
        List<Backend> absent = List.of(missing);
        AutoStrategy a = new AutoPlacer(s, env, b -> {
            if (absent.contains(b)) {
                throw new BackendNotAvailableException(b);
            }
            ReferenceStrategy f = new ReferenceStrategy(b, s, b == Backend.ASYNC ? 64 : b == Backend.GIL_THREADS ? 6 : 2);
            fakes.put(b, f);
            return f;
        });
        opened.add(a);
        return a;
    }

    @AfterEach
    void closeAll() {
        for (AutoStrategy a : opened) {
            a.shutdownNow();
            a.close();
        }
        for (ReferenceStrategy f : fakes.values()) {
            assertTrue(f.isTerminated(), f + " should be closed with the auto strategy");
        }
    }

    static void burnCpu(TaskContext ctx, long nanos) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long start = mx.getCurrentThreadCpuTime();
        while (mx.getCurrentThreadCpuTime() - start < nanos) {
            ctx.checkpoint();
        }
    }

    static Task<Integer> declared(String name, Profile p, CountDownLatch hold, int value) {
        return Task.of(name, p, ctx -> {
            ctx.blocking(() -> {
                hold.await();
                return null;
            });
            ctx.sleep(Duration.ofMillis(2)); // so that every run waits, however late it starts
            return value;
        });
    }

    @Test
    void declaredKinds_underPython_waitsStayOffTheProcessPool_heavyCpuUsesSeveralBackends() {
        AutoStrategy a = open(Semantics.PYTHON);
        CountDownLatch hold = new CountDownLatch(1);
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            hs.add(a.submit(declared("io", Profile.io(Duration.ofMillis(200)), hold, i)));
        }
        for (int i = 0; i < 10; i++) {
            hs.add(a.submit(declared("heavy", Profile.cpu(Duration.ofMillis(100)), hold, 100 + i)));
        }
        hold.countDown();
        for (int i = 0; i < hs.size(); i++) {
            assertEquals(i < 20 ? i : 80 + i, hs.get(i).join());
        }
        PlacementReport r = a.report();
        Map<Backend, Long> io = r.kind("io").orElseThrow().placements();
        assertEquals(0L, io.getOrDefault(Backend.PROCESS_POOL, 0L), r.format());
        assertTrue(io.getOrDefault(Backend.ASYNC, 0L) >= 10, r.format());
        // under the GIL, threads and the loop each serialize CPU: heavy work is spread over several lanes
        assertTrue(r.kind("heavy").orElseThrow().placements().size() >= 2, r.format());
        // these stand-ins only block: the declared CPU is contradicted by what was measured
        assertTrue(r.kind("heavy").orElseThrow().contradiction().orElseThrow().contains("declared CPU"), r.format());
        assertTrue(r.kind("io").orElseThrow().contradiction().isEmpty(), r.format());
    }

    @Test
    void cpuBoundTies_underJvm_areNotSpreadOverBackendsThatShareTheCores() {
        // 40 x 50 ms of CPU on 2 cores: the shared cores bound every backend's cost, which then differ only by
        // microseconds of per-task overhead (equal here); such ties go to the backend that runs the kind best alone,
        // every time, where they used to go to whichever had fewer in flight, alternating
        Environment even = new Environment(2, ENV.calibration().with(Map.of("threadHandoffNanos", 1000.0,
                "asyncParallelTaskNanos", 1000.0, "virtualThreadStartNanos", 0.0, "threadStartNanos", 0.0,
                "threadRunStartNanos", 0.0, "asyncRunStartNanos", 0.0)));
        AutoStrategy a = open(Semantics.JVM, even);
        CountDownLatch hold = new CountDownLatch(1);
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            hs.add(a.submit(declared("cpu", Profile.cpu(Duration.ofMillis(50)), hold, i)));
        }
        hold.countDown();
        hs.forEach(TaskHandle::join);
        Map<Backend, Long> placed = a.report().kind("cpu").orElseThrow().placements();
        assertEquals(1, placed.size(), a.report().format());
        assertEquals(40L, placed.values().iterator().next(), a.report().format());
    }

    @Test
    void waitsAndCpu_underJvm_gatherOnOneBackend() {
        // The waits go to the virtual threads (unbounded, so they overlap); the CPU kind ties between free threads and
        // virtual threads (both spread over the cores, equal per-task costs here) and joins the waits there, where it
        // used to go to the threads as "best alone", so two pools' threads took turns on the same two cores.
        Environment even = new Environment(2, ENV.calibration().with(Map.of("threadHandoffNanos", 1000.0,
                "asyncParallelTaskNanos", 1000.0)));
        AutoStrategy a = open(Semantics.JVM, even);
        CountDownLatch hold = new CountDownLatch(1);
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            hs.add(a.submit(declared("io", Profile.io(Duration.ofMillis(100)), hold, i)));
            hs.add(a.submit(declared("cpu", Profile.cpu(Duration.ofMillis(20)), hold, i)));
        }
        hold.countDown();
        hs.forEach(TaskHandle::join);
        PlacementReport r = a.report();
        assertEquals(Map.of(Backend.ASYNC, 20L), r.kind("io").orElseThrow().placements(), r.format());
        assertEquals(Map.of(Backend.ASYNC, 20L), r.kind("cpu").orElseThrow().placements(), r.format());
    }

    @Test
    void declaredHeavyCpu_underJvm_staysInProcess() {
        AutoStrategy a = open(Semantics.JVM);
        CountDownLatch hold = new CountDownLatch(1);
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hs.add(a.submit(declared("heavy", Profile.cpu(Duration.ofMillis(100)), hold, i)));
        }
        hold.countDown();
        hs.forEach(TaskHandle::join);
        assertEquals(0L, a.report().kind("heavy").orElseThrow().placements().getOrDefault(Backend.PROCESS_POOL, 0L),
                a.report().format());
    }

    @Test
    void undeclaredKind_isObservedOnThreads_thenPlacedByWhatWasObserved() {
        AutoStrategy a = open(Semantics.PYTHON);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int v = i;
            hs.add(a.submit(ctx -> {
                started.incrementAndGet();
                ctx.blocking(() -> {
                    go.await();
                    return null;
                });
                ctx.sleep(Duration.ofMillis(50));
                return v;
            }));
        }
        // one observation per core may run; the rest wait for the first observation
        await().atMost(PATIENCE).until(() -> started.get() == 2);
        assertEquals(8, hs.stream().filter(h -> h.taskState() == TaskState.QUEUED).count());
        assertEquals(Map.of(Backend.GIL_THREADS, 2L), a.report().kinds().get(0).placements());
        go.countDown();
        for (int i = 0; i < 10; i++) {
            assertEquals(i, hs.get(i).join());
        }
        PlacementReport.Kind k = a.report().kinds().get(0);
        assertEquals(10L, k.placements().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(0L, k.placements().getOrDefault(Backend.PROCESS_POOL, 0L), a.report().format());
        assertEquals(10, k.observations());
        Profile seen = k.observed().orElseThrow();
        assertTrue(seen.waitTime().compareTo(Duration.ofMillis(50)) >= 0, a.report().format());
        assertTrue(seen.cpuShare() < 0.5, a.report().format());
        assertTrue(k.declared().isEmpty());
        assertTrue(hs.get(0).timings().cpuTime().isPresent());
    }

    @Test
    void undeclaredCpuBurner_isMeasuredByItsThreadCpuTime() {
        AutoStrategy a = open(Semantics.PYTHON);
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int v = i;
            hs.add(a.submit(ctx -> {
                burnCpu(ctx, 20_000_000);
                return v;
            }));
        }
        hs.forEach(TaskHandle::join);
        Profile seen = a.report().kinds().get(0).observed().orElseThrow();
        assertTrue(seen.cpuTime().compareTo(Duration.ofMillis(20)) >= 0, a.report().format());
        assertEquals(Duration.ZERO, seen.waitTime());
    }

    @Test
    void aContradictedDeclaration_isReportedOnce_andTheKindIsThenPlacedByObservation() {
        AutoStrategy a = open(Semantics.PYTHON);
        Task<String> liar = Task.of("liar", Profile.io(Duration.ofMillis(100)), ctx -> {
            burnCpu(ctx, 3_000_000);
            return "done";
        });
        for (int i = 0; i < 4; i++) {
            assertEquals("done", a.submit(liar).join());
        }
        PlacementReport.Kind k = a.report().kind("liar").orElseThrow();
        String c = k.contradiction().orElseThrow(() -> new AssertionError(a.report().format()));
        assertTrue(c.contains("declared I/O") && c.contains("100 % on CPU"), c);
        assertTrue(k.observed().orElseThrow().cpuShare() > 0.9);
        assertTrue(a.report().format().contains("! liar: declared I/O"), a.report().format());
    }

    @Test
    void cancel_ofARunningTask_stopsItOnItsBackend() {
        AutoStrategy a = open(Semantics.JVM);
        CountDownLatch started = new CountDownLatch(1);
        TaskHandle<Object> h = a.submit(Task.of("blocker", Profile.io(Duration.ofSeconds(1)), ctx -> {
            started.countDown();
            return ctx.blocking(() -> {
                new CountDownLatch(1).await();
                return null;
            });
        }));
        await().atMost(PATIENCE).until(() -> started.getCount() == 0);
        assertTrue(h.cancel(true));
        assertThrows(CancellationException.class, h::join);
        assertEquals(TaskState.CANCELLED, h.taskState());
        assertEquals(CancellationStage.INTERRUPT, h.cancellationStage().orElseThrow());
    }

    @Test
    void cancel_ofAHeldTask_withdrawsIt_neverRunningIt() {
        AutoStrategy a = open(Semantics.PYTHON);
        CountDownLatch hold = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hs.add(a.submit(ctx -> {
                ran.incrementAndGet();
                ctx.blocking(() -> {
                    hold.await();
                    return null;
                });
                return 1;
            }));
        }
        TaskHandle<Integer> held = hs.get(2);
        assertEquals(TaskState.QUEUED, held.taskState());
        assertTrue(held.cancel(true));
        assertEquals(CancellationStage.NOT_STARTED, held.cancellationStage().orElseThrow());
        hold.countDown();
        assertEquals(1, hs.get(0).join());
        assertEquals(1, hs.get(1).join());
        a.close();
        assertEquals(2, ran.get());
    }

    @Test
    void failure_reachesTheCallerWithItsOwnType() {
        AutoStrategy a = open(Semantics.PYTHON);
        TaskHandle<Object> h = a.submit(ctx -> {
            throw new IOException("boom");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> h.get(30, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals("boom", e.getCause().getMessage());
    }

    @Test
    void timeout_stopsAPlacedTask() {
        AutoStrategy a = open(Semantics.JVM);
        TaskHandle<Object> h = a.submit(Task.of("sleeper", Profile.io(Duration.ofSeconds(10)), ctx -> {
            ctx.sleep(Duration.ofSeconds(30));
            return null;
        }), Duration.ofMillis(50));
        ExecutionException e = assertThrows(ExecutionException.class, () -> h.get(30, TimeUnit.SECONDS));
        assertInstanceOf(TaskTimedOutException.class, e.getCause());
    }

    @Test
    void close_waitsForEverything_closesTheBackends_andRejectsLaterSubmits() {
        AutoStrategy a = open(Semantics.PYTHON);
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int v = i;
            hs.add(a.submit(i % 2 == 0 ? Task.of("even", Profile.io(Duration.ofMillis(5)), ctx -> {
                ctx.sleep(Duration.ofMillis(5));
                return v;
            }) : ctx -> v));
        }
        a.close();
        assertTrue(a.isTerminated());
        for (int i = 0; i < 50; i++) {
            assertEquals(TaskState.SUCCEEDED, hs.get(i).taskState());
            assertEquals(i, hs.get(i).join());
        }
        fakes.values().forEach(f -> assertTrue(f.isTerminated()));
        assertThrows(StrategyClosedException.class, () -> a.submit(ctx -> 1));
    }

    @Test
    void shutdownNow_endsRunningAndHeldTasks() {
        AutoStrategy a = open(Semantics.PYTHON);
        List<TaskHandle<Object>> hs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hs.add(a.submit(ctx -> ctx.blocking(() -> {
                new CountDownLatch(1).await();
                return null;
            })));
        }
        a.shutdownNow();
        a.close();
        for (TaskHandle<Object> h : hs) {
            assertEquals(TaskState.CANCELLED, h.taskState());
        }
    }

    @Test
    void aMissingBackend_isAvoided_butAnIsolatedTaskFailsAtSubmit() {
        AutoStrategy a = open(Semantics.PYTHON, Backend.PROCESS_POOL);
        CountDownLatch hold = new CountDownLatch(1);
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hs.add(a.submit(declared("heavy", Profile.cpu(Duration.ofMillis(100)), hold, i)));
        }
        hold.countDown();
        hs.forEach(TaskHandle::join);
        assertEquals(0L, a.report().kind("heavy").orElseThrow().placements().getOrDefault(Backend.PROCESS_POOL, 0L));
        assertThrows(BackendNotAvailableException.class,
                () -> a.submit(Task.of("native", Profile.cpu(Duration.ofMillis(1)).isolated(), ctx -> 1)));
    }

    @Test
    void anUnknownKindWhoseRunsAllFail_stillEndsEveryHeldRun() {
        AutoStrategy a = open(Semantics.PYTHON);
        List<TaskHandle<Object>> hs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            hs.add(a.submit(ctx -> {
                throw new IllegalStateException("always");
            }));
        }
        for (TaskHandle<Object> h : hs) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> h.get(30, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
        assertEquals(0, a.report().kinds().get(0).observations());
        assertEquals(7L, a.report().kinds().get(0).placements().get(Backend.GIL_THREADS));
    }
}
