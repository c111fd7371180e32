package io.stratagem.process.internal;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.TaskHandle;
import io.stratagem.spi.CalibrationProbe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the process pool's costs for the classifier, through the public API only, on a pool of one worker:
 * the first empty task's latency ({@code workerStartNanos}: JVM start, handshake, one round trip), the per-task cost
 * of a batch of empty tasks to the worker once warmed up by another batch ({@code pipeRoundTripNanos}, pipelining included, as the pool really
 * sends them), then, if the budget allows, a few tasks carrying 2 MiB each ({@code pipeBytesPerSecond},
 * serialization on both sides included).
 */
public final class ProcessCalibrationProbe implements CalibrationProbe {

    private static final int PAYLOAD = 2 << 20;

    @Override
    public Backend backend() {
        return Backend.PROCESS_POOL;
    }

    @Override
    public Map<String, Double> measure(Duration budget) throws Exception {
        Map<String, Double> m = new HashMap<>();
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        try (Strategy s = Strategy.create(Backend.PROCESS_POOL, new StrategyOptions(Semantics.JVM, 1, Map.of()))) {
            s.submit(ctx -> 1).join();
            m.put("workerStartNanos", (double) (System.nanoTime() - start));
            CalibrationProbe.nanosPerTask(s, ctx -> 1, 200, 1, deadline); // the worker's JIT warms up, as in a long batch
            double perTask = CalibrationProbe.nanosPerTask(s, ctx -> 1, 300, 1, deadline);
            m.put("pipeRoundTripNanos", perTask);
            if (deadline - System.nanoTime() > budget.toNanos() / 8) {
                int k = 4;
                byte[] payload = new byte[PAYLOAD];
                long t0 = System.nanoTime();
                List<TaskHandle<Integer>> big = new ArrayList<>(k);
                for (int i = 0; i < k; i++) {
                    big.add(s.submit(ctx -> payload.length));
                }
                for (TaskHandle<Integer> h : big) {
                    h.join();
                }
                double took = System.nanoTime() - t0 - k * perTask;
                if (took > 0) {
                    m.put("pipeBytesPerSecond", Math.min(1e12, Math.max(1e3, (double) k * PAYLOAD / (took / 1e9))));
                }
            }
        }
        return m;
    }
}
