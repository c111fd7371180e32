package io.stratagem.spi;

import io.stratagem.Backend;
import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskContext;
import io.stratagem.TaskHandle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a backend module registers in {@code META-INF/services/io.stratagem.spi.CalibrationProbe} to measure its own
 * costs for the classifier ({@link io.stratagem.Environment#measured()}). Implementations need a public no-argument
 * constructor, must clean up everything they start, and must respect the budget.
 */
public interface CalibrationProbe {

    /** The backend whose costs this probe measures. */
    Backend backend();

    /**
     * Measures this backend's costs on this machine. Blocks for about {@code budget} at most.
     *
     * @param budget how long the probe may take
     * @return measured constants by their {@link io.stratagem.Calibration#asMap()} name, in that name's unit
     * @throws Exception if the measurement fails; the constants then keep their defaults
     */
    Map<String, Double> measure(Duration budget) throws Exception;

    /**
     * Nanoseconds per task when {@code n} copies of {@code task} are submitted together and all joined: the fastest of
     * up to {@code rounds} rounds (the first always runs; later ones only if they start before {@code deadlineNanos},
     * a {@link System#nanoTime()} value), since other processes on a busy machine only ever add time. Blocks until the
     * rounds are done.
     *
     * @return the fastest round's time per task
     */
    static double nanosPerTask(Strategy strategy, Task<?> task, int n, int rounds, long deadlineNanos) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < Math.max(1, rounds); round++) {
            if (round > 0 && System.nanoTime() - deadlineNanos >= 0) {
                break;
            }
            long t0 = System.nanoTime();
            List<TaskHandle<?>> hs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                hs.add(strategy.submit(task));
            }
            for (TaskHandle<?> h : hs) {
                h.join();
            }
            best = Math.min(best, (double) (System.nanoTime() - t0) / n);
        }
        return best;
    }

    /**
     * Waits until the JIT compiler has been idle for {@code quiet} (its total compilation time, from
     * {@link java.lang.management.CompilationMXBean}, unchanged), or until {@code max} has passed, whichever is first;
     * at once if this JVM does not report compilation time. Probes call it between their warm-up and their timed
     * rounds: right after a warm-up the compiler threads are still compiling the paths it made hot, and on a machine
     * of few cores they take a core from the rounds being timed, so a fresh JVM's first calibration measured per-task
     * costs several times those of the same JVM a few seconds later. Blocks; keeps the interrupt status and returns
     * early if interrupted.
     *
     * @return how long it waited, in nanoseconds
     */
    static long awaitCompilerIdle(Duration quiet, Duration max) {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return 0;
        }
        long step = Math.max(1, quiet.toMillis() / 2);
        long last = jit.getTotalCompilationTime();
        long idleSince = System.nanoTime();
        while (System.nanoTime() - start < max.toNanos() && System.nanoTime() - idleSince < quiet.toNanos()) {
            try {
                Thread.sleep(step);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                idleSince = System.nanoTime();
            }
        }
        return System.nanoTime() - start;
    }

    /**
     * Checkpointed busy work for probes: {@code iterations} rounds of xorshift, calling {@code ctx.checkpoint()} (if
     * {@code ctx} is not null) every 16,384 rounds, so it costs the same on any thread and yields under a GIL. Returns
     * a value that depends on every round, so the JIT cannot drop the loop.
     */
    static long spin(TaskContext ctx, long iterations) {
        long x = 0x9E3779B97F4A7C15L;
        for (long i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            if ((i & 0x3FFF) == 0 && ctx != null) {
                ctx.checkpoint();
            }
        }
        return x;
    }

    /** Iterations of {@link #spin} that take about {@code target} on this thread once warmed up (fastest of 5). */
    static long spinIterationsFor(Duration target) {
        long n = 1 << 16;
        long sink = 0;
        for (int i = 0; i < 10; i++) {
            sink += spin(null, n); // warm-up
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            sink += spin(null, n);
            best = Math.min(best, System.nanoTime() - t0);
        }
        // the sink keeps the loop from being optimized away; it never changes the result
        return Math.max(1, Math.round(n * target.toNanos() / best) + (sink == 42 ? 1 : 0));
    }
}
