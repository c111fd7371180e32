package io.stratagem.examples;

import io.stratagem.TaskContext;

/**
 * Synthetic CPU work for the examples: a fixed amount of computation (not "spin until the clock says so", which
 * would do less work whenever the GIL makes a thread wait), with a checkpoint every few tens of microseconds.
 */
public final class Work {

    private Work() {
    }

    /**
     * Iterations of {@link #burn} per millisecond of CPU on this machine, measured on the calling (platform) thread's
     * CPU clock after a short warm-up, so that a busy machine does not make the tasks smaller.
     */
    public static long iterationsPerMilli() {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long x = 0;
        for (int i = 0; i < 300; i++) {
            x += spin(20_000, i);
        }
        long best = 1;
        for (int round = 0; round < 3; round++) {
            long c0 = mx.getCurrentThreadCpuTime();
            x += spin(5_000_000, x);
            long nanos = Math.max(1, mx.getCurrentThreadCpuTime() - c0);
            best = Math.max(best, 5_000_000L * 1_000_000 / nanos);
        }
        return best + (x == 42 ? 1 : 0); // x is used, so the JIT keeps the loops
    }

    /** Runs {@code iterations} of work, calling {@code ctx.checkpoint()} every 16k iterations. */
    public static long burn(long iterations, TaskContext ctx) {
        long x = 1;
        for (long done = 0; done < iterations; done += 16_384) {
            x ^= spin((int) Math.min(16_384, iterations - done), x);
            ctx.checkpoint();
        }
        return x;
    }

    private static long spin(int n, long seed) {
        long x = seed | 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}
