package io.stratagem.internal.classify;

import io.stratagem.Backend;
import io.stratagem.BackendNotAvailableException;
import io.stratagem.Calibration;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.TaskHandle;
import io.stratagem.spi.CalibrationProbe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calibration's measurements of whole runs, taken through the public {@link Strategy} API on every in-process
 * backend whose module is on the class path (a backend's own probe may report the same names; its values win):
 * <ul>
 *   <li>{@code threadRunStartNanos}, {@code asyncRunStartNanos}: the fixed cost of one run, the time from creating
 *       a strategy to the end of its first empty task. The median over a few fresh strategies, alternating
 *       {@code PYTHON} and {@code JVM} semantics, after a few discarded runs that load the backend's classes and
 *       warm its creation path (paid once per JVM, not per run). Each timed run starts after {@link #IDLE} without work, as a batch usually
 *       starts: idle carriers and cores wake slower than busy ones (the async backend's start-up measured about
 *       0.4 ms back to back, 1.3 ms after 20 ms idle). The fastest of the timed runs, not their median: within the
 *       budget the warm-up ends while the creation path is still getting faster (the async backend's timed runs in
 *       three fresh JVMs went 1.2 ms to 0.5 ms from the first to the fifth, and their medians were 0.5 to 1.3 ms),
 *       where the same run measured warm, as the classifier grid measures its cells, takes 0.26 to 0.44 ms; the fastest
 *       run is the closest to that. The process pool's counterpart is its probe's {@code workerStartNanos}.</li>
 *   <li>{@code loopResumeNanos}: on one {@code LOOP} async strategy, a batch of tasks that wait together against
 *       the same batch of empty tasks; the difference beyond the wait, per task, is what taking the loop back costs
 *       when the wake-ups queue for it. The median of a few rounds after a warm-up round (in a fresh JVM the
 *       timer and resume paths are cold).</li>
 *   <li>{@code gilWaiterSwitchNanos}: on one {@code PYTHON} thread pool, the cost of a GIL hand-over with as many
 *       CPU-bound tasks as the pool has threads, against the same with two; the difference divided by the extra
 *       waiters. Each term is the fastest of its rounds, since other processes only ever add time.</li>
 * </ul>
 * Blocks for about the budget at most; measures only what fits in it. Not thread-safe: one calibration at a time.
 */
final class RunCosts {

    /** Fresh runs per backend that are timed, after the discarded ones. */
    private static final int RUNS = 5;
    /**
     * Discarded runs first, back to back: they load the backend's classes and warm its creation path, which the JIT
     * compiles only after dozens of creations (in a fresh JVM, back to back, the async backend's run start fell from
     * about 0.7 ms to 0.2 ms over 150 runs, the thread pool's from 2 ms to 0.7 ms over 250; after 6, as before,
     * calibrations measured 1.4 to 2.4 ms for the async backend where the grid measured 0.3 ms). At most a
     * {@link #WARM_SHARE}th of the time left is spent on them per backend.
     */
    static final int WARM_RUNS = 150;
    /** The warm-up of one backend's run start takes at most this fraction (1/n) of the time left. */
    private static final int WARM_SHARE = 5;
    /** How long the JIT compiler must be idle before timed runs, and the longest wait for it. */
    private static final Duration COMPILER_QUIET = Duration.ofMillis(20);
    private static final Duration COMPILER_WAIT = Duration.ofMillis(60);
    /** The pause before each timed run, so it starts from idle like a batch run does. */
    static final Duration IDLE = Duration.ofMillis(20);
    /**
     * Tasks in the loop-resume batches, and their wait: longer than submitting them all takes. The figure is a
     * difference of two batch times divided by this count, so a timer that wakes a millisecond late moves it by a
     * millisecond divided by this count: with 500, fresh JVMs' calibrations measured anything from 0 to 10 µs per
     * task; the grid's 2,000 tasks waiting 5 ms took 1 to 2.6 µs each beyond their wait, with the loop's per-task
     * cost.
     */
    private static final int RESUMERS = 2000;
    private static final Duration RESUME_WAIT = Duration.ofMillis(10);
    /** Timed rounds of the loop-resume measurement (the median), after the warm-up rounds. */
    private static final int RESUME_ROUNDS = 5;
    /** CPU per task of the GIL measurement: a few switch intervals, so every task is switched out several times. */
    private static final Duration WORK = Duration.ofMillis(15);

    private RunCosts() {
    }

    /** Creates the strategies measured: {@link Strategy#create(Backend, StrategyOptions)} outside tests. */
    interface Factory {
        /** @throws BackendNotAvailableException if that backend is not installed */
        Strategy create(Backend backend, StrategyOptions options);
    }

    /** Measures within about {@code budget}; backends that are not installed are skipped. */
    static Map<String, Double> measure(Duration budget, int cores) {
        return measure(budget, cores, Strategy::create);
    }

    static Map<String, Double> measure(Duration budget, int cores, Factory factory) {
        long deadline = System.nanoTime() + budget.toNanos();
        Map<String, Double> m = new HashMap<>();
        runStart(factory, Backend.GIL_THREADS, deadline).ifPresent(v -> m.put("threadRunStartNanos", v));
        runStart(factory, Backend.ASYNC, deadline).ifPresent(v -> m.put("asyncRunStartNanos", v));
        loopResume(factory, deadline).ifPresent(v -> m.put("loopResumeNanos", v));
        // one round runs 1 + 2 + k tasks of WORK each: measured if it fits, the documented default otherwise
        if (deadline - System.nanoTime() > (3L + CostModel.defaultThreads(cores)) * WORK.toNanos()) {
            gilWaiterSwitch(factory, cores, deadline).ifPresent(v -> m.put("gilWaiterSwitchNanos", v));
        }
        return m;
    }

    private static Optional<Double> runStart(Factory factory, Backend b, long deadline) {
        double[] took = new double[RUNS];
        int n = 0;
        try {
            long warmUntil = System.nanoTime() + (deadline - System.nanoTime()) / WARM_SHARE;
            for (int run = -WARM_RUNS; run < RUNS && System.nanoTime() - deadline < 0; run++) {
                if (run < 0 && run % 2 == 0 && System.nanoTime() - warmUntil >= 0) {
                    run = 0; // warmed up as long as the budget allows
                }
                Semantics sem = Semantics.values()[(run + 2 * WARM_RUNS) % Semantics.values().length];
                if (run == 0) {
                    // the warm-up made the creation path hot; timed while the compiler still compiles it, the runs
                    // lose a core to the compiler threads
                    CalibrationProbe.awaitCompilerIdle(COMPILER_QUIET, COMPILER_WAIT);
                }
                if (run >= 0 && !idle()) {
                    break;
                }
                long t0 = System.nanoTime();
                Strategy s = factory.create(b, new StrategyOptions(sem, 0, Map.of()));
                try {
                    s.submit(ctx -> 1).join();
                    if (run >= 0) {
                        took[n++] = System.nanoTime() - t0;
                    }
                } finally {
                    s.close(); // not timed: a run's makespan ends with its last task
                }
            }
        } catch (BackendNotAvailableException e) {
            return Optional.empty();
        }
        if (n == 0) {
            return Optional.empty();
        }
        return Optional.of(Math.min(Arrays.stream(took, 0, n).min().orElseThrow(), Calibration.MAX_NANOS));
    }

    /** The median of {@code v}, not empty (the mean of the middle two for an even count). */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }

    /** Sleeps {@link #IDLE}; false (interrupt status kept) if interrupted. */
    private static boolean idle() {
        try {
            Thread.sleep(IDLE);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Optional<Double> loopResume(Factory factory, long deadline) {
        if (System.nanoTime() - deadline >= 0) {
            return Optional.empty();
        }
        try (Strategy s = factory.create(Backend.ASYNC, new StrategyOptions(Semantics.PYTHON, 0, Map.of()))) {
            io.stratagem.Task<Integer> sleeper = ctx -> {
                ctx.sleep(RESUME_WAIT);
                return 1;
            };
            batch(s, ctx -> 1); // warm-up: the loop's timer and resume paths are cold in a fresh JVM
            batch(s, sleeper);
            batch(s, sleeper);
            CalibrationProbe.awaitCompilerIdle(COMPILER_QUIET, COMPILER_WAIT);
            double[] extra = new double[RESUME_ROUNDS];
            int k = 0;
            for (; k < RESUME_ROUNDS && (k == 0 || System.nanoTime() - deadline < 0); k++) {
                long empty = batch(s, ctx -> 1);
                extra[k] = batch(s, sleeper) - RESUME_WAIT.toNanos() - empty;
            }
            double perTask = Math.max(0, median(Arrays.copyOf(extra, k))) / RESUMERS;
            return Optional.of(Math.min(perTask, Calibration.MAX_NANOS));
        } catch (BackendNotAvailableException e) {
            return Optional.empty();
        }
    }

    private static long batch(Strategy s, io.stratagem.Task<Integer> task) {
        long t0 = System.nanoTime();
        List<TaskHandle<Integer>> hs = new ArrayList<>(RESUMERS);
        for (int i = 0; i < RESUMERS; i++) {
            hs.add(s.submit(task));
        }
        for (TaskHandle<Integer> h : hs) {
            h.join();
        }
        return System.nanoTime() - t0;
    }

    private static Optional<Double> gilWaiterSwitch(Factory factory, int cores, long deadline) {
        int k = CostModel.defaultThreads(cores);
        if (k <= 2) {
            return Optional.empty();
        }
        double interval = Calibration.defaults().gilSwitchIntervalNanos();
        try (Strategy s = factory.create(Backend.GIL_THREADS, new StrategyOptions(Semantics.PYTHON, k, Map.of()))) {
            long work = CalibrationProbe.spinIterationsFor(WORK);
            long alone = Long.MAX_VALUE;
            long pair = Long.MAX_VALUE;
            long crowd = Long.MAX_VALUE;
            for (int round = 0; round < 3 && (round == 0 || System.nanoTime() - deadline < 0); round++) {
                alone = Math.min(alone, together(s, 1, work));
                pair = Math.min(pair, together(s, 2, work));
                crowd = Math.min(crowd, together(s, k, work));
            }
            double perSwitchPair = Math.max(0, pair - 2.0 * alone) / (2.0 * alone / interval);
            double perSwitchCrowd = Math.max(0, crowd - (double) k * alone) / (k * alone / interval);
            double perWaiter = Math.max(0, perSwitchCrowd - perSwitchPair) / (k - 2);
            return Optional.of(Math.min(perWaiter, Calibration.MAX_NANOS));
        } catch (BackendNotAvailableException e) {
            return Optional.empty();
        }
    }

    /** Nanoseconds from submitting {@code k} spinning tasks together until the last has ended. */
    private static long together(Strategy s, int k, long work) {
        long t0 = System.nanoTime();
        List<TaskHandle<Long>> hs = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            hs.add(s.submit(ctx -> CalibrationProbe.spin(ctx, work)));
        }
        for (TaskHandle<Long> h : hs) {
            h.join();
        }
        return System.nanoTime() - t0;
    }
}
