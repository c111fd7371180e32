package io.stratagem.gil.internal;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.TaskHandle;
import io.stratagem.spi.CalibrationProbe;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Measures the GIL backend's costs for the classifier, through the public API only: the per-task hand-off of a
 * {@code PYTHON} strategy (batches of empty tasks), and the cost of one GIL hand-over (two CPU-bound tasks contending
 * take longer than the same work run alone; the excess divided by the number of switch intervals, fastest of three).
 *
 * <p>The hand-off is the median of {@link #ROUNDS} batches, timed after {@link #WARM_TASKS} discarded tasks and once
 * the JIT compiler has gone idle ({@link CalibrationProbe#awaitCompilerIdle}): timed straight after 2,000 tasks (the
 * fastest of three batches), a fresh JVM's first calibration measured 2.6 to 6.1 µs per task where the same JVM
 * measured 0.4 to 1.3 µs a few seconds later, and the grid's 10,000 empty tasks ran at 0.4 to 0.9 µs per task.
 * Blocks for about the budget at most; not thread-safe (one calibration at a time); closes the strategy it creates.
 */
public final class GilCalibrationProbe implements CalibrationProbe {

    private static final long SWITCH_INTERVAL_NANOS = 5_000_000;
    /** What the three rounds of the GIL hand-over measurement take: 20 ms alone and 40 ms as a pair, each. */
    private static final long SWITCH_ROUNDS_NANOS = 3 * 60_000_000L;
    /** Time kept for the hand-off measurement (its warm-up, the compiler's idle wait and its rounds). */
    private static final long HANDOFF_RESERVE_NANOS = 150_000_000L;
    /** Empty tasks per timed batch. */
    private static final int BATCH = 2000;
    /**
     * Discarded empty tasks before the timed batches: enough for the JIT to compile the submit and complete paths (in
     * a fresh JVM, batches of 2,000 went from 10 µs per task to a steady 0.6 µs after about 36,000 tasks, 0.1 s).
     */
    static final int WARM_TASKS = 40_000;
    /** Timed batches of empty tasks; the hand-off is their median. */
    static final int ROUNDS = 5;
    /** How long the compiler must be idle before timing, and the longest wait for it. */
    private static final Duration COMPILER_QUIET = Duration.ofMillis(20);
    private static final Duration COMPILER_WAIT = Duration.ofMillis(50);

    @Override
    public Backend backend() {
        return Backend.GIL_THREADS;
    }

    @Override
    public Map<String, Double> measure(Duration budget) throws Exception {
        Map<String, Double> m = new HashMap<>();
        long deadline = System.nanoTime() + budget.toNanos();
        try (Strategy s = Strategy.create(Backend.GIL_THREADS, new StrategyOptions(Semantics.PYTHON, 0, Map.of()))) {
            if (deadline - System.nanoTime() > SWITCH_ROUNDS_NANOS + HANDOFF_RESERVE_NANOS) {
                // the fastest of three: on a busy machine other processes only ever add time
                long work = CalibrationProbe.spinIterationsFor(Duration.ofMillis(20));
                long alone = Long.MAX_VALUE;
                long pair = Long.MAX_VALUE;
                long switchDeadline = deadline - HANDOFF_RESERVE_NANOS;
                for (int round = 0; round < 3 && System.nanoTime() - switchDeadline < 0; round++) {
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
            // the hand-off last: its warm-up takes whatever time the GIL measurement left
            m.put("threadHandoffNanos", handoffNanos(s, deadline));
        }
        return m;
    }

    /** The median time per empty task of {@link #ROUNDS} batches, after the warm-up and the compiler's idle wait. */
    private static double handoffNanos(Strategy s, long deadline) {
        for (int done = 0; done < WARM_TASKS && (done == 0 || System.nanoTime() - deadline < 0); done += BATCH) {
            CalibrationProbe.nanosPerTask(s, ctx -> 1, BATCH, 1, deadline);
        }
        CalibrationProbe.awaitCompilerIdle(COMPILER_QUIET, COMPILER_WAIT);
        double[] took = new double[ROUNDS];
        int k = 0;
        for (; k < ROUNDS && (k == 0 || System.nanoTime() - deadline < 0); k++) {
            took[k] = CalibrationProbe.nanosPerTask(s, ctx -> 1, BATCH, 1, deadline);
        }
        double[] sorted = Arrays.copyOf(took, k);
        Arrays.sort(sorted);
        return k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
    }
}
