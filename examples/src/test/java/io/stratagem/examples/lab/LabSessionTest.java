package io.stratagem.examples.lab;

import io.stratagem.testkit.ReferenceStrategy;
import io.stratagem.Backend;
import io.stratagem.BackendNotAvailableException;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabSessionTest {

    @Test
    void aBackendThatCannotStart_isLeftOutWithANote_andTheOthersStillRun() throws InterruptedException {
        Contenders brokenPool = (backend, semantics, parallelism) -> {
            if (backend.equals("PROCESS_POOL")) {
                throw new BackendNotAvailableException(Backend.PROCESS_POOL);
            }
            return new ReferenceStrategy(Backend.valueOf(backend), semantics, 2);
        };
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        LabResult r = new LabSession(TestLab.smallWorkload(), List.of(Semantics.JVM),
                List.of("ASYNC", "PROCESS_POOL", "GIL_THREADS"), 1, 0)
                .run(brokenPool, Optional.empty(), TestLab.IPM, Duration.ofMinutes(1),
                        new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertEquals(List.of("ASYNC", "GIL_THREADS"), r.results().stream().map(BackendResult::backend).toList());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("PROCESS_POOL could not run")), r.notes().toString());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("classifier")), "no advisor is noted too");
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("FAILED"));
        assertTrue(ConsoleReport.render(r).contains("not run"), "the seed table shows the gap");
    }

    @Test
    void interruptingTheLab_stopsItPromptly_andClosesTheStrategy() {
        AtomicReference<Strategy> created = new AtomicReference<>();
        Contenders slow = (backend, semantics, parallelism) -> {
            Strategy s = new ReferenceStrategy(Backend.ASYNC, semantics, 1);
            created.set(s);
            return s;
        };
        LabWorkload longWaits = new LabWorkload(List.of(new TaskKind("w", 4, Duration.ZERO, Duration.ofSeconds(10),
                0, 0)), Arrival.allAtOnce());
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread lab = new Thread(() -> {
            try {
                new LabSession(longWaits, List.of(Semantics.JVM), List.of("ASYNC"), 1, 0).run(slow, Optional.empty(),
                        TestLab.IPM, Duration.ofMinutes(1), new PrintStream(new ByteArrayOutputStream(), true,
                                StandardCharsets.UTF_8));
                outcome.set(new AssertionError("the run finished although it was interrupted"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        }, "lab-under-test");
        lab.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> created.get() != null);
        lab.interrupt();
        await().atMost(Duration.ofSeconds(15)).until(() -> outcome.get() != null);
        assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
        assertTrue(created.get().isTerminated(), "try-with-resources closed the strategy on the way out");
    }
}
