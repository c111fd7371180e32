package io.stratagem.async.internal;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.TaskHandle;
import io.stratagem.spi.CalibrationProbe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measures the async backend's per-task cost for the classifier, through the public API only: a batch of empty
 * tasks on a {@code LOOP} strategy and on a {@code PARALLEL} one; the larger per-task time (virtual thread
 * included) is {@code asyncTaskOverheadNanos}.
 */
public final class AsyncCalibrationProbe implements CalibrationProbe {

    @Override
    public Backend backend() {
        return Backend.ASYNC;
    }

    @Override
    public Map<String, Double> measure(Duration budget) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        double perTask = 0;
        for (Semantics sem : Semantics.values()) {
            try (Strategy s = Strategy.create(Backend.ASYNC, new StrategyOptions(sem, 0, Map.of()))) {
                int n = 3000;
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 3 && System.nanoTime() < deadline; round++) {
                    long t0 = System.nanoTime();
                    List<TaskHandle<Integer>> hs = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        hs.add(s.submit(ctx -> 1));
                    }
                    for (TaskHandle<Integer> h : hs) {
                        h.join();
                    }
                    best = Math.min(best, (double) (System.nanoTime() - t0) / n);
                }
                if (best < Double.MAX_VALUE) {
                    perTask = Math.max(perTask, best);
                }
            }
        }
        return perTask == 0 ? Map.of() : Map.of("asyncTaskOverheadNanos", perTask);
    }
}
