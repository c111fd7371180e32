package io.stratagem.examples.lab;

import io.stratagem.BackendNotAvailableException;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The lab against the real classifier and backends, as {@code ./lab} uses them. */
class InstalledBackendsTest {

    private final WorkloadRunner runner = new WorkloadRunner(TestLab.IPM, Duration.ofMinutes(1));

    @Test
    void advisor_recommendsFromTheAggregateProfile_andListsEachKind() {
        Advice a = Advisors.advise(LabWorkload.defaultWorkload(), Semantics.PYTHON);
        assertEquals(Set.of("GIL_THREADS", "ASYNC", "PROCESS_POOL"), a.predictedMakespanMs().keySet());
        assertTrue(a.predictedMakespanMs().containsKey(a.backend()));
        assertEquals(List.of("wait-call", "light-cpu", "heavy-cpu"),
                a.perKind().stream().map(Advice.KindAdvice::kind).toList());
        assertFalse(a.reasons().isEmpty());
        assertTrue(a.method().contains("aggregate profile of 3 kinds"), a.method());
        assertTrue(a.confidence() >= 0 && a.confidence() <= 1);
    }

    @Test
    @Tag("timing") // real threads taking turns: the OS scheduler decides the details
    void gilThreadsUnderPython_recordAGilTimelineOfTheirTurns() throws InterruptedException {
        InstalledContenders contenders = new InstalledContenders();
        // nominal 400 ms at the tests' deliberately low iterations-per-ms: tens of real ms per task, several switch
        // intervals, so the second pool thread takes a task before the first can drain the queue, and they trade turns
        LabWorkload cpu = new LabWorkload(List.of(new TaskKind("cpu", 4, Duration.ofMillis(400), Duration.ZERO, 0, 0)),
                Arrival.allAtOnce());
        try (Strategy s = contenders.create("GIL_THREADS", Semantics.PYTHON, 2)) {
            runner.warmUp(s, 2);
            contenders.resetTimeline(s);
            Measurement m = runner.run(s, cpu);
            assertEquals(0, m.failed(), m.firstFailure());
            LockTimeline t = contenders.timeline(s).orElseThrow();
            assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("HOLD")), "holds recorded");
            assertEquals(2, t.threads().stream().filter(n -> !n.equals(LockTimeline.GC)).count(),
                    "both pool threads: " + t.threads());
            assertTrue(t.ascii().contains("#"), t.ascii());
        }
    }

    @Test
    void otherBackends_haveNoTimeline() {
        InstalledContenders contenders = new InstalledContenders();
        try (Strategy s = contenders.create("GIL_THREADS", Semantics.JVM, 2)) {
            // free threads: the lock is in FREE_THREADED mode and the lab does not ask for its timeline
            assertTrue(contenders.timeline(s).map(t -> t.events().isEmpty()).orElse(true));
        }
        try (Strategy s = contenders.create("ASYNC", Semantics.PYTHON, 0)) {
            assertTrue(contenders.timeline(s).isEmpty());
        }
    }

    @Test
    void processPool_returnsCopies_notTheCallersObjects() throws InterruptedException {
        Strategy s;
        try {
            s = new InstalledContenders().create("PROCESS_POOL", Semantics.PYTHON, 1);
        } catch (BackendNotAvailableException e) {
            assumeTrue(false, "the process pool is not installed yet: " + e.getMessage());
            return;
        }
        try (s) {
            assertFalse(runner.sharesMemory(s));
        }
    }
}
