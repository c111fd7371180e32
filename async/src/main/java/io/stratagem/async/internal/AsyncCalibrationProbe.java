package io.stratagem.async.internal;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.TaskContext;
import io.stratagem.spi.CalibrationProbe;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Measures the async backend's costs for the classifier, through the public API only: a batch of empty tasks on a
 * {@code LOOP} strategy and on a {@code PARALLEL} one (the larger per-task time, virtual thread included, is
 * {@code asyncTaskOverheadNanos}); then a batch of tasks that each compute briefly on a {@code LOOP} strategy, whose
 * time beyond their computation and that per-task cost is the loop's hand-off between computing tasks
 * ({@code loopHandoffNanos}).
 */
public final class AsyncCalibrationProbe implements CalibrationProbe {

    private static final long SPIN_NANOS = 20_000;

    @Override
    public Backend backend() {
        return Backend.ASYNC;
    }

    @Override
    public Map<String, Double> measure(Duration budget) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        Map<String, Double> m = new HashMap<>();
        double perTask = 0;
        for (Semantics sem : Semantics.values()) {
            try (Strategy s = Strategy.create(Backend.ASYNC, new StrategyOptions(sem, 0, Map.of()))) {
                double best = batch(s, 3000, 0, deadline);
                if (best < Double.MAX_VALUE) {
                    perTask = Math.max(perTask, best);
                }
            }
        }
        if (perTask == 0) {
            return m;
        }
        m.put("asyncTaskOverheadNanos", perTask);
        long spin = spinFor(SPIN_NANOS);
        long t0 = System.nanoTime();
        spin(null, spin);
        double alone = System.nanoTime() - t0;
        if (deadline - System.nanoTime() > budget.toNanos() / 4) {
            try (Strategy s = Strategy.create(Backend.ASYNC, new StrategyOptions(Semantics.PYTHON, 0, Map.of()))) {
                double best = batch(s, 500, spin, deadline);
                if (best < Double.MAX_VALUE) {
                    m.put("loopHandoffNanos", Math.max(0, best - alone - perTask));
                }
            }
        }
        return m;
    }

    /** The fastest per-task time of up to three batches of {@code n} tasks spinning {@code spin} iterations. */
    private static double batch(Strategy s, int n, long spin, long deadline) {
        return CalibrationProbe.nanosPerTask(s, ctx -> spin(ctx, spin), n, 3, deadline);
    }

    /** Iterations of {@link #spin} that take about {@code nanos} here, once warmed up. */
    private static long spinFor(long nanos) {
        long n = 1 << 16;
        for (int i = 0; i < 10; i++) {
            spin(null, n); // warm-up
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            spin(null, n);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return Math.max(1, Math.round(n * nanos / best));
    }

    private static long spin(TaskContext ctx, long n) {
        long x = 0x9E3779B97F4A7C15L;
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            if ((i & 0x3FFF) == 0 && ctx != null) {
                ctx.checkpoint();
            }
        }
        return x;
    }
}
