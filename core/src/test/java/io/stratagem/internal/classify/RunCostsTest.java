package io.stratagem.internal.classify;

import io.stratagem.Backend;
import io.stratagem.BackendNotAvailableException;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.testkit.ReferenceStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run costs are measured on fresh strategies of each installed backend, which are all closed again. */
class RunCostsTest {

    private final List<Strategy> created = new ArrayList<>();
    private final List<StrategyOptions> options = new ArrayList<>();

    private Strategy reference(Backend b, StrategyOptions o) {
        // the async backend's tasks wait without holding a thread; enough reference threads stand in for that (the
        // loop-resume batches of 2,000 waits then take a few seconds: hence the long budget)
        int threads = o.parallelism() != 0 ? o.parallelism() : b == Backend.ASYNC ? 64 : 2;
        Strategy s = new ReferenceStrategy(b, o.semantics(), threads);
        created.add(s);
        options.add(o);
        return s;
    }

    @Test
    void measure_startsFreshStrategiesInBothSemantics_andClosesEveryOne() {
        Map<String, Double> m = RunCosts.measure(Duration.ofSeconds(10), 2, this::reference);
        assertEquals(Set.of("threadRunStartNanos", "asyncRunStartNanos", "loopResumeNanos", "gilWaiterSwitchNanos"),
                m.keySet());
        m.values().forEach(v -> assertTrue(v >= 0 && v < 60e9, m::toString));
        assertTrue(options.stream().anyMatch(o -> o.semantics() == Semantics.PYTHON));
        assertTrue(options.stream().anyMatch(o -> o.semantics() == Semantics.JVM));
        // up to WARM_RUNS discarded runs (fewer if their share of the budget runs out) and five measured ones (each
        // after an idle pause) per in-process backend, one strategy each for the loop's resume and the GIL's waiters
        assertTrue(created.size() >= 2 * 5 + 2 && created.size() <= 2 * (RunCosts.WARM_RUNS + 5) + 2,
                () -> created.size() + " strategies");
        created.forEach(s -> assertTrue(s.isShutdown(), s::toString));
    }

    @Test
    void aBackendThatIsNotInstalled_isSkipped_andTheOthersStillCount() {
        Map<String, Double> m = RunCosts.measure(Duration.ofSeconds(5), 2, (b, o) -> {
            if (b == Backend.GIL_THREADS) {
                throw new BackendNotAvailableException(b);
            }
            return reference(b, o);
        });
        assertEquals(Set.of("asyncRunStartNanos", "loopResumeNanos"), m.keySet());
    }
}
