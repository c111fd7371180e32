package io.stratagem.examples.lab;

import io.stratagem.testkit.ReferenceStrategy;
import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A whole lab run on in-test strategies, with a fixed timeline and advice, for the report tests. */
final class TestLab {

    /** Speed used for the synthetic work in tests: small, so tasks are short on any machine. */
    static final double IPM = 20_000;

    private TestLab() {
    }

    static LabWorkload smallWorkload() {
        return new LabWorkload(List.of(
                new TaskKind("io", 6, Duration.ZERO, Duration.ofMillis(5), 64, 64),
                new TaskKind("cpu", 3, Duration.ofMillis(2), Duration.ZERO, 1024, 16)), Arrival.allAtOnce());
    }

    /** Contenders: GIL_THREADS runs on one thread (as if serialized), the others on two. */
    static Contenders contenders() {
        return new Contenders() {
            @Override
            public Strategy create(String backend, Semantics semantics, int parallelism) {
                Backend b = Backend.valueOf(backend);
                return new ReferenceStrategy(b, semantics, b == Backend.GIL_THREADS ? 1 : 2);
            }

            @Override
            public Optional<LockTimeline> timeline(Strategy strategy) {
                return Optional.of(new LockTimeline(List.of(
                        new LockTimeline.Event("worker-1", "HOLD", 0, 5_000_000),
                        new LockTimeline.Event("worker-2", "WAIT", 0, 5_000_000),
                        new LockTimeline.Event("worker-2", "HOLD", 5_000_000, 9_000_000),
                        new LockTimeline.Event("worker-1", "RELEASED", 5_000_000, 12_000_000)),
                        "worker-1 |####    |\nworker-2 |....### |\n", false));
            }
        };
    }

    static Advisor advisor() {
        return (w, s) -> new Advice(s, "ASYNC", Map.of("ASYNC", 40.0, "GIL_THREADS", 55.5, "PROCESS_POOL", 300.0),
                List.of("mostly waiting: \"<io>\" & more"), 0.75, "aggregate profile of 2 kinds",
                List.of(new Advice.KindAdvice("io", "ASYNC", "waits"),
                        new Advice.KindAdvice("cpu", "PROCESS_POOL", "burns CPU")));
    }

    static LabResult run() throws InterruptedException {
        LabSession session = new LabSession(smallWorkload(), List.of(Semantics.PYTHON, Semantics.JVM),
                List.of("ASYNC", "GIL_THREADS", "PROCESS_POOL"), 2, 0);
        PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return session.run(contenders(), Optional.of(advisor()), IPM, Duration.ofMinutes(1), progress);
    }
}
