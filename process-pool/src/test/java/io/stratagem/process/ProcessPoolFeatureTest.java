package io.stratagem.process;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.TaskNotSerializableException;
import io.stratagem.testkit.Gate;
import io.stratagem.testkit.KitTasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.awt.Point;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration, serialization and remote errors of the process pool. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolFeatureTest extends PoolTestSupport {


    // ---- serialization -----------------------------------------------------------------------------------------

    @Test
    void submit_ofATaskCapturingANonSerializableValue_throwsAtSubmitNamingTheClass() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        Thread notSerializable = Thread.currentThread();
        Task<String> t = ctx -> notSerializable.getName();
        TaskNotSerializableException e = assertThrows(TaskNotSerializableException.class, () -> s.submit(t));
        assertEquals(Thread.class.getName(), e.offendingClass());
        assertTrue(e.getMessage().contains("java.lang.Thread"), e.getMessage());
    }

    @Test
    void submit_ofATaskCapturingAClassOutsideTheAllowList_throwsAtSubmit_unlessAllowed() {
        Point p = new Point(3, 4);
        Task<Integer> t = ctx -> p.x + p.y;
        Strategy strict = pool(ProcessPoolStrategy.builder().workers(1));
        TaskNotSerializableException e = assertThrows(TaskNotSerializableException.class, () -> strict.submit(t));
        assertEquals("java.awt.Point", e.offendingClass());
        assertTrue(e.getMessage().contains("allowClasses"), e.getMessage());

        Strategy open = pool(ProcessPoolStrategy.builder().workers(1).allowClasses("java.awt.Point"));
        assertEquals(7, open.submit(t).join());
    }

    @Test
    void anExceptionTheCallerCannotRecreate_arrivesReadableWithTheWorkersStack() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        CompletionException e = assertThrows(CompletionException.class,
                () -> s.submit(PoolTasks.throwAwtException("no display")).join());
        RemoteTaskException r = assertInstanceOf(RemoteTaskException.class, e.getCause());
        assertEquals("java.awt.AWTException", r.remoteClassName());
        assertTrue(r.getMessage().contains("no display"), r.getMessage());
        assertTrue(List.of(r.getStackTrace()).stream().anyMatch(f -> f.getClassName().startsWith(PoolTasks.class.getName())));

        CompletionException u = assertThrows(CompletionException.class,
                () -> s.submit(PoolTasks.throwUnserializable("has a thread inside")).join());
        RemoteTaskException ru = assertInstanceOf(RemoteTaskException.class, u.getCause());
        assertEquals(PoolTasks.UnserializableException.class.getName(), ru.remoteClassName());
        assertTrue(ru.getMessage().contains("has a thread inside") && ru.getMessage().contains("could not be serialized"),
                ru.getMessage());
    }

    @Test
    void aResultThatCannotBeSerialized_failsTheTaskClearly() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        CompletionException e = assertThrows(CompletionException.class, () -> s.submit(PoolTasks.unserializableResult()).join());
        TaskNotSerializableException t = assertInstanceOf(TaskNotSerializableException.class, e.getCause());
        assertEquals("java.lang.Object", t.offendingClass());
    }

    @Test
    void aPluggableCodec_carriesTasksAndResults() {
        GzipCodec.reset();
        Strategy s = pool(ProcessPoolStrategy.builder().workers(2).codec(new GzipCodec()));
        List<Integer> in = IntStream.range(0, 50).boxed().toList();
        assertEquals(in.stream().map(x -> x * x).toList(), s.map(KitTasks.scrambledSquare(), in).join());
        assertTrue(GzipCodec.encoded() > 0, "the codec was used");
    }

    // ---- configuration -----------------------------------------------------------------------------------------

    @Test
    void initializer_systemPropertiesAndEnvironment_reachEveryWorker() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(2).eager(true)
                .systemProperty("pool.test", "yes").environment("POOL_TEST_ENV", "env-ok")
                .initializer(() -> System.setProperty("pool.initialized", "by-initializer")));
        assertEquals("yes", s.submit(PoolTasks.systemProperty("pool.test")).join());
        assertEquals("by-initializer", s.submit(PoolTasks.systemProperty("pool.initialized")).join());
        assertEquals("env-ok", s.submit(PoolTasks.environment("POOL_TEST_ENV")).join());
    }

    @Test
    void aFailingInitializer_stopsRespawningAndFailsPendingWorkWithTheCause() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(2).maxStartFailures(3).initializer(() -> {
            throw new IllegalStateException("no licence for the native library");
        }));
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hs.add(s.submit(KitTasks.value(i)));
        }
        for (TaskHandle<Integer> h : hs) {
            CompletionException e = assertThrows(CompletionException.class, h::join);
            WorkerStartException w = assertInstanceOf(WorkerStartException.class, e.getCause());
            assertTrue(w.getMessage().contains("no licence for the native library"), w.getMessage());
        }
        CompletionException later = assertThrows(CompletionException.class, () -> s.submit(KitTasks.value(9)).join());
        assertInstanceOf(WorkerStartException.class, later.getCause());
    }

    @Test
    void aBadJvmOption_isACrashLoopThatEndsWithAClearError() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(2).jvmOptions("-XX:+NoSuchOptionAnywhere"));
        CompletionException e = assertThrows(CompletionException.class, () -> s.submit(KitTasks.value(1)).join());
        WorkerStartException w = assertInstanceOf(WorkerStartException.class, e.getCause());
        assertEquals(3, w.attempts());
        assertTrue(w.getMessage().contains("NoSuchOptionAnywhere"), w.getMessage());
    }

    @Test
    void maxTasksPerWorker_replacesWorkers() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1).maxTasksPerWorker(3));
        Set<Long> pids = new HashSet<>();
        for (int i = 0; i < 9; i++) {
            pids.add(s.submit(PoolTasks.workerPid()).join());
        }
        assertEquals(3, pids.size(), "three workers of three tasks each");
    }

    @Test
    void idleWorkers_areRetired_andStartedAgainOnDemand() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(2).idleTimeout(Duration.ofMillis(200)));
        long first = s.submit(PoolTasks.workerPid()).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(first).map(p -> !p.isAlive()).orElse(true));
        long second = s.submit(PoolTasks.workerPid()).join();
        assertTrue(first != second);
    }

    @Test
    void aFullQueue_rejectsWithThePolicyReject() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1).inFlightPerWorker(1)
                .queue(1, ProcessPoolStrategy.QueuePolicy.REJECT));
        Gate g = gate();
        TaskHandle<Integer> running = s.submit(KitTasks.gated(g, "r", 1));
        await().atMost(Duration.ofSeconds(60)).until(() -> g.marked("started-r"));
        TaskHandle<Integer> queued = s.submit(KitTasks.value(2));
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> s.submit(KitTasks.value(3)));
        assertTrue(e.getMessage().contains("queue is full"), e.getMessage());
        g.open();
        assertEquals(1, running.join());
        assertEquals(2, queued.join());
    }

    @Test
    void cpuTime_isMeasuredInTheWorker() {
        Strategy s = pool(ProcessPoolStrategy.builder().workers(1));
        // The worker loads its CPU clock in the background after start-up, so the very first tasks may report none.
        java.util.concurrent.atomic.AtomicReference<TaskHandle<Integer>> last = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            TaskHandle<Integer> t = s.submit(PoolTasks.cpuFor(50));
            t.join();
            last.set(t);
            return t.timings().cpuTime().isPresent();
        });
        TaskHandle<Integer> h = last.get();
        Duration cpu = h.timings().cpuTime().orElseThrow();
        assertTrue(cpu.toNanos() > 0, () -> "" + h.timings());
        assertTrue(cpu.compareTo(h.timings().runTime().plusMillis(20)) <= 0, () -> "CPU time within run time: " + h.timings());
    }

    @Test
    void builder_rejectsBadSettingsNamingTheField() {
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> ProcessPoolStrategy.builder().workers(0).build());
        assertTrue(w.getMessage().startsWith("workers must be between 1 and 256, was 0"), w.getMessage());
        IllegalArgumentException h = assertThrows(IllegalArgumentException.class,
                () -> ProcessPoolStrategy.builder().heap("lots").build());
        assertTrue(h.getMessage().startsWith("heap"), h.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProcessPoolStrategy.builder().inFlightPerWorker(0).build());
        assertThrows(IllegalArgumentException.class, () -> ProcessPoolStrategy.builder().cancelGrace(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> ProcessPoolStrategy.builder().jvmOptions("Xmx1g").build());
    }

    @Test
    void provider_mapsParallelismAndSemantics_andRejectsUnknownProperties() {
        Strategy s = closedAfterTheTest(Strategy.create(Backend.PROCESS_POOL,
                new StrategyOptions(Semantics.PYTHON, 2, java.util.Map.of("heap", "128m", "start", "lazy"))));
        assertEquals(Backend.PROCESS_POOL, s.backend());
        assertEquals(Semantics.PYTHON, s.semantics());
        assertEquals(5, s.submit(KitTasks.value(5)).join());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Strategy.create(
                Backend.PROCESS_POOL, StrategyOptions.defaults().with("wrokers", "2")));
        assertTrue(e.getMessage().contains("wrokers"), e.getMessage());
    }

    @Test
    void map_choosesAChunkSizeAutomatically() {
        assertEquals(1, io.stratagem.process.internal.ProcessPool.autoChunkSize(5, 2));
        assertEquals(2500, io.stratagem.process.internal.ProcessPool.autoChunkSize(20_000, 2));
        Strategy s = pool(ProcessPoolStrategy.builder().workers(2));
        List<Integer> in = IntStream.range(0, 5_000).boxed().toList();
        assertEquals(in.stream().map(x -> x * x).toList(), s.map(KitTasks.squareFailingAt(-1, -2), in).join());
    }
}
