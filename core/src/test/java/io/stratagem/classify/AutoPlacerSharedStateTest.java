package io.stratagem.classify;

import io.stratagem.testkit.ReferenceStrategy;
import io.stratagem.Backend;
import io.stratagem.Calibration;
import io.stratagem.Environment;
import io.stratagem.Semantics;
import io.stratagem.TaskHandle;
import io.stratagem.internal.classify.AutoPlacer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task that declares no profile says nothing about shared state; the auto strategy should not move it into
 * another process, where a captured (serializable) AtomicLong would silently be a copy.
 */
@Timeout(60)
class AutoPlacerSharedStateTest {
    @Test
    void undeclaredCpuKind_neverGoesToTheProcessPool() {
        Environment env = new Environment(2, Calibration.defaults().with(Map.of("workerStartNanos", 1e6)));
        AtomicLong counter = new AtomicLong();
        try (AutoPlacer auto = new AutoPlacer(Semantics.PYTHON, env, b -> new ReferenceStrategy(b, Semantics.PYTHON, 2))) {
            List<TaskHandle<Long>> hs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                hs.add(auto.submit(ctx -> {
                    AutoPlacerTest.burnCpu(ctx, 20_000_000L);
                    return counter.incrementAndGet();
                }));
            }
            hs.forEach(TaskHandle::join);
            assertEquals(0L, auto.report().kinds().get(0).placements().getOrDefault(Backend.PROCESS_POOL, 0L),
                    auto.report().format());
            assertTrue(auto.report().kinds().get(0).observed().orElseThrow().sharesState(),
                    "with no declaration, the observed profile says the kind may share state");
        }
    }
}
