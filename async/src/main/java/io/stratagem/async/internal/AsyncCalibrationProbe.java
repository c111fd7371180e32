package io.stratagem.async.internal;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.spi.CalibrationProbe;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Measures the async backend's costs for the classifier, through the public API only: a batch of empty tasks on a
 * {@code LOOP} strategy gives {@code asyncLoopTaskNanos} and on a {@code PARALLEL} one {@code asyncParallelTaskNanos}
 * (wall time per task, virtual thread included); then a batch of tasks that each compute briefly on a {@code LOOP}
 * strategy, whose time beyond their computation and the loop's per-task cost is the loop's hand-off between
 * computing tasks ({@code loopHandoffNanos}).
 *
 * <p>Each figure is the median of a few rounds after discarded warm-up rounds on the same strategy: a single batch
 * varied by half from one calibration to the next, and the fastest of a few picked the rare undisturbed round, where
 * a prediction should match a typical run. Blocks for about the budget at most; not thread-safe (one calibration at a
 * time), and it closes every strategy it creates.
 */
public final class AsyncCalibrationProbe implements CalibrationProbe {

    private static final long SPIN_NANOS = 20_000;
    /** Empty tasks per batch: enough that the batch takes milliseconds, so timer resolution does not matter. */
    private static final int EMPTY_BATCH = 5000;
    /** Discarded batches before the timed ones, at least; warming up goes on for half the time allowed. */
    static final int WARM_UP = 4;
    private static final int SPIN_BATCH = 500;
    /** Timed rounds per figure, after the warm-up round. */
    static final int ROUNDS = 5;

    @Override
    public Backend backend() {
        return Backend.ASYNC;
    }

    @Override
    public Map<String, Double> measure(Duration budget) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        Map<String, Double> m = new HashMap<>();
        // the deadline is shared: the parallel figure gets the time the loop figure left, never more than a third
        for (Semantics sem : Semantics.values()) {
            long share = System.nanoTime() + (deadline - System.nanoTime()) / (sem == Semantics.PYTHON ? 3 : 2);
            try (Strategy s = Strategy.create(Backend.ASYNC, new StrategyOptions(sem, 0, Map.of()))) {
                double perTask = medianPerTask(s, EMPTY_BATCH, 0, share);
                if (!Double.isNaN(perTask)) {
                    m.put(sem == Semantics.PYTHON ? "asyncLoopTaskNanos" : "asyncParallelTaskNanos", perTask);
                }
            }
        }
        Double loopTask = m.get("asyncLoopTaskNanos");
        if (loopTask == null || deadline - System.nanoTime() <= budget.toNanos() / 4) {
            return m;
        }
        long spin = CalibrationProbe.spinIterationsFor(Duration.ofNanos(SPIN_NANOS));
        long t0 = System.nanoTime();
        CalibrationProbe.spin(null, spin);
        double alone = System.nanoTime() - t0;
        try (Strategy s = Strategy.create(Backend.ASYNC, new StrategyOptions(Semantics.PYTHON, 0, Map.of()))) {
            double perTask = medianPerTask(s, SPIN_BATCH, spin, deadline);
            if (!Double.isNaN(perTask)) {
                m.put("loopHandoffNanos", Math.max(0, perTask - alone - loopTask));
            }
        }
        return m;
    }

    /**
     * The median time per task of batches of {@code n} tasks spinning {@code spin} iterations, after
     * discarded warm-up batches ({@link #WARM_UP} at least, and for half the time until {@code deadline}); rounds after the first timed one only start before {@code deadline}. NaN if none was timed.
     */
    static double medianPerTask(Strategy s, int n, long spin, long deadline) {
        // warm-up: the submit, schedule and complete paths take a few batches to be compiled (the first batch of a
        // fresh JVM costs ten times a warm one), and a library's JVM runs warm
        long start = System.nanoTime();
        long warmUntil = start + (deadline - start) / 2;
        for (int i = 0; i < WARM_UP || System.nanoTime() - warmUntil < 0; i++) {
            if (i > 0 && System.nanoTime() - deadline >= 0) {
                break;
            }
            CalibrationProbe.nanosPerTask(s, ctx -> CalibrationProbe.spin(ctx, spin), n, 1, deadline);
        }
        double[] took = new double[ROUNDS];
        int k = 0;
        for (; k < ROUNDS && (k == 0 || System.nanoTime() - deadline < 0); k++) {
            took[k] = CalibrationProbe.nanosPerTask(s, ctx -> CalibrationProbe.spin(ctx, spin), n, 1, deadline);
        }
        return median(Arrays.copyOf(took, k));
    }

    /** The median of {@code v} (the mean of the middle two for an even count); NaN if empty. */
    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }


}
