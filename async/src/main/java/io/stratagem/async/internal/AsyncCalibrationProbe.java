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
 * <p>Each figure is the median of a few rounds after discarded warm-up rounds on the same strategy, timed once the
 * JIT compiler has gone idle ({@link CalibrationProbe#awaitCompilerIdle}): a single batch
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
    /** Empty tasks discarded before timing the per-task cost of either mode, at least. */
    static final int WARM_TASKS = 60_000;
    /** How long the JIT compiler must be idle before the timed rounds, and the longest wait for it. */
    private static final Duration COMPILER_QUIET = Duration.ofMillis(20);
    private static final Duration COMPILER_WAIT = Duration.ofMillis(100);
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
        // both modes' figures share two thirds of the budget: their warm-up batches alternate, since much of what the
        // JIT has to compile (virtual threads, submission, completion) is common to both, and each mode measured
        // alone in its own share came out cold (2 to 9 µs per task where a warm JVM measures under 1 µs)
        try (Strategy loop = Strategy.create(Backend.ASYNC, new StrategyOptions(Semantics.PYTHON, 0, Map.of()));
             Strategy parallel = Strategy.create(Backend.ASYNC, new StrategyOptions(Semantics.JVM, 0, Map.of()))) {
            double[] perTask = medianPerTask(new Strategy[] {loop, parallel}, EMPTY_BATCH, 0, WARM_TASKS,
                    System.nanoTime() + (deadline - System.nanoTime()) * 2 / 3);
            if (!Double.isNaN(perTask[0])) {
                m.put("asyncLoopTaskNanos", perTask[0]);
            }
            if (!Double.isNaN(perTask[1])) {
                m.put("asyncParallelTaskNanos", perTask[1]);
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
            double perTask = medianPerTask(s, SPIN_BATCH, spin, 0, deadline);
            if (!Double.isNaN(perTask)) {
                m.put("loopHandoffNanos", Math.max(0, perTask - alone - loopTask));
            }
        }
        return m;
    }

    /** {@link #medianPerTask(Strategy[], int, long, int, long)} for one strategy. */
    static double medianPerTask(Strategy s, int n, long spin, int warmTasks, long deadline) {
        return medianPerTask(new Strategy[] {s}, n, spin, warmTasks, deadline)[0];
    }

    /**
     * For each strategy, the median time per task of batches of {@code n} tasks spinning {@code spin} iterations,
     * after discarded warm-up batches that alternate between the strategies: {@link #WARM_UP} at least,
     * {@code warmTasks} tasks on each at least and for half the time until {@code deadline}, but no longer than leaves
     * time for the timed rounds (at the last warm-up batches' pace). The timed rounds alternate too; rounds after the
     * first only start before {@code deadline}. NaN for a strategy if none was timed.
     */
    static double[] medianPerTask(Strategy[] ss, int n, long spin, int warmTasks, long deadline) {
        // warm-up: the submit, schedule and complete paths take tens of thousands of tasks to be compiled (in a fresh
        // JVM, batches of 2,000 empty tasks in LOOP mode went from 24 µs per task to 1.0 µs after about 60,000
        // tasks), and a library's JVM runs warm
        long start = System.nanoTime();
        long warmUntil = start + (deadline - start) / 2;
        double last = 0;
        for (int i = 0, done = 0; i < WARM_UP || done < warmTasks || System.nanoTime() - warmUntil < 0;
                i++, done += n) {
            if (i > 0 && System.nanoTime() + (long) (ROUNDS * last * n) - deadline >= 0) {
                break;
            }
            last = 0;
            for (Strategy s : ss) {
                last += CalibrationProbe.nanosPerTask(s, ctx -> CalibrationProbe.spin(ctx, spin), n, 1, deadline);
            }
        }
        // the compiler threads are still compiling what the warm-up made hot; timed now, they take a core from the
        // rounds
        CalibrationProbe.awaitCompilerIdle(COMPILER_QUIET,
                Duration.ofNanos(Math.max(0, Math.min(COMPILER_WAIT.toNanos(), (deadline - System.nanoTime()) / 2))));
        double[][] took = new double[ss.length][ROUNDS];
        int k = 0;
        for (; k < ROUNDS && (k == 0 || System.nanoTime() - deadline < 0); k++) {
            for (int j = 0; j < ss.length; j++) {
                took[j][k] = CalibrationProbe.nanosPerTask(ss[j], ctx -> CalibrationProbe.spin(ctx, spin), n, 1,
                        deadline);
            }
        }
        double[] medians = new double[ss.length];
        for (int j = 0; j < ss.length; j++) {
            medians[j] = median(Arrays.copyOf(took[j], k));
        }
        return medians;
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
