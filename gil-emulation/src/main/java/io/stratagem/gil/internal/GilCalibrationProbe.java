package io.stratagem.gil.internal;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.TaskHandle;
import io.stratagem.spi.CalibrationProbe;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Measures the GIL backend's costs for the classifier, through the public API only: the per-task hand-off of a
 * {@code PYTHON} strategy (a batch of empty tasks), and the cost of one GIL hand-over (two CPU-bound tasks contending
 * take longer than the same work run alone; the excess divided by the number of switch intervals, fastest of three).
 */
public final class GilCalibrationProbe implements CalibrationProbe {

    private static final long SWITCH_INTERVAL_NANOS = 5_000_000;

    @Override
    public Backend backend() {
        return Backend.GIL_THREADS;
    }

    @Override
    public Map<String, Double> measure(Duration budget) throws Exception {
        Map<String, Double> m = new HashMap<>();
        long deadline = System.nanoTime() + budget.toNanos();
        try (Strategy s = Strategy.create(Backend.GIL_THREADS, new StrategyOptions(Semantics.PYTHON, 0, Map.of()))) {
            m.put("threadHandoffNanos", CalibrationProbe.nanosPerTask(s, ctx -> 1, 2000, 3, deadline));
            if (deadline - System.nanoTime() > budget.toNanos() / 2) {
                // the fastest of three: on a busy machine other processes only ever add time
                long work = CalibrationProbe.spinIterationsFor(Duration.ofMillis(20));
                long alone = Long.MAX_VALUE;
                long pair = Long.MAX_VALUE;
                for (int round = 0; round < 3 && System.nanoTime() < deadline; round++) {
                    long t0 = System.nanoTime();
                    s.submit(ctx -> CalibrationProbe.spin(ctx, work)).join();
                    alone = Math.min(alone, System.nanoTime() - t0);
                    t0 = System.nanoTime();
                    TaskHandle<Long> a = s.submit(ctx -> CalibrationProbe.spin(ctx, work));
                    TaskHandle<Long> b = s.submit(ctx -> CalibrationProbe.spin(ctx, work));
                    a.join();
                    b.join();
                    pair = Math.min(pair, System.nanoTime() - t0);
                }
                if (pair < Long.MAX_VALUE) {
                    double switches = 2.0 * alone / SWITCH_INTERVAL_NANOS;
                    m.put("gilSwitchNanos", Math.max(0, (pair - 2.0 * alone) / switches));
                }
            }
        }
        return m;
    }


}
