package io.stratagem.examples.lab;

import io.stratagem.testkit.ReferenceStrategy;
import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadRunnerTest {

    private final WorkloadRunner runner = new WorkloadRunner(TestLab.IPM, Duration.ofMinutes(1));

    // repeated: the peak-overlap bound once failed when the first submit was slow (class loading) and the runner
    // placed runs on its own clock instead of the handle's
    @RepeatedTest(25)
    void run_completesEveryTaskAndMeasuresIt() throws InterruptedException {
        LabWorkload w = TestLab.smallWorkload();
        try (Strategy s = new ReferenceStrategy(Backend.ASYNC, Semantics.JVM, 2)) {
            Measurement m = runner.run(s, w);
            assertEquals(9, m.tasks());
            assertEquals(0, m.failed(), m.firstFailure());
            assertEquals(List.of("io", "cpu"), m.kinds().stream().map(Measurement.KindLatency::kind).toList(),
                    "kinds in the workload's order");
            double ioP50 = m.kinds().stream().filter(k -> k.kind().equals("io")).findFirst().orElseThrow().p50Ms();
            assertTrue(ioP50 >= 5, "an io task waits 5 ms, so its latency is at least that: " + ioP50);
            assertTrue(m.makespanMs() >= m.p99Ms() - 0.01, m.toString());
            assertTrue(m.p99Ms() >= m.p50Ms(), m.toString());
            assertTrue(m.peakRunning() >= 1 && m.peakRunning() <= 2, "two threads: " + m.peakRunning());
            assertTrue(m.osThreads() >= 1 && m.osThreads() <= 2, "two threads: " + m.osThreads());
            assertEquals(1, m.processes());
            assertTrue(m.throughputPerSec() > 0);
        }
    }

    @Test
    void run_atARate_spacesTheSubmissions() throws InterruptedException {
        LabWorkload w = new LabWorkload(List.of(new TaskKind("t", 5, Duration.ZERO, Duration.ZERO, 0, 0)),
                Arrival.rate(100));
        try (Strategy s = new ReferenceStrategy(Backend.ASYNC, Semantics.JVM, 1)) {
            Measurement m = runner.run(s, w);
            assertTrue(m.makespanMs() >= 40, "5 tasks at 100/s: the last is submitted 40 ms after the first, was "
                    + m.makespanMs());
        }
    }

    @Test
    void run_onAClosedStrategy_throwsAtSubmit() throws InterruptedException {
        LabWorkload w = TestLab.smallWorkload();
        try (Strategy s = new ReferenceStrategy(Backend.ASYNC, Semantics.JVM, 2)) {
            s.shutdownNow(); // every submit is then rejected: the runner must not hide it
            try {
                runner.run(s, w);
            } catch (RuntimeException expected) {
                assertTrue(expected.getClass().getSimpleName().contains("Closed"), expected.toString());
                return;
            }
            throw new AssertionError("a closed strategy accepted the workload");
        }
    }

    @Test
    @Tag("timing")
    void run_pastItsTimeout_cancelsAndCountsEveryUnfinishedTask() throws InterruptedException {
        WorkloadRunner impatient = new WorkloadRunner(TestLab.IPM, Duration.ofMillis(100));
        LabWorkload w = new LabWorkload(List.of(new TaskKind("stuck", 3, Duration.ZERO, Duration.ofSeconds(10), 0, 0)),
                Arrival.allAtOnce());
        try (Strategy s = new ReferenceStrategy(Backend.ASYNC, Semantics.JVM, 2)) {
            Measurement m = impatient.run(s, w);
            assertEquals(3, m.failed());
            assertTrue(m.firstFailure().contains("Cancellation"), m.firstFailure());
            assertTrue(m.makespanMs() < 9_000, "cancelled, not waited out: " + m.makespanMs());
        }
    }

    @Test
    void sharesMemory_isTrueInTheCallersHeap() throws InterruptedException {
        try (Strategy s = new ReferenceStrategy(Backend.GIL_THREADS, Semantics.PYTHON, 1)) {
            assertTrue(runner.sharesMemory(s));
        }
    }

    @Test
    void syntheticTask_returnsTheOutputSizeAndDeclaresItsProfile() throws Exception {
        TaskKind k = new TaskKind("k", 1, Duration.ofMillis(1), Duration.ofMillis(1), 100, 300);
        SyntheticTask t = SyntheticTask.of(k, TestLab.IPM, 0);
        assertEquals(k.profile(), t.profile().orElseThrow());
        assertEquals("k", t.name());
        try (Strategy s = new ReferenceStrategy(Backend.ASYNC, Semantics.JVM, 1)) {
            assertEquals(300, s.submit(t).get().payload().length);
        }
    }
}
