package io.stratagem.examples.lab;

import io.stratagem.TaskContext;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * Synthetic CPU work of a known size. A task burns a fixed number of iterations of a small integer hash, calibrated
 * once in the lab's JVM against this thread's CPU clock, and calls {@link TaskContext#checkpoint()} every
 * {@link #CHUNK_ITERATIONS} iterations (about 50 µs of work once compiled) so that the emulated GIL can switch and
 * cancellation gets in. Fixed work rather than "spin until the clock says so" keeps the work the same on every
 * backend: a cold worker JVM really is slower, and a thread waiting for the GIL really does no work.
 */
public final class CpuBurn {

    /** Iterations between checkpoints. */
    public static final int CHUNK_ITERATIONS = 1 << 14;

    /** Where calibration leaves its result; volatile so the write (and the work behind it) is kept. */
    @SuppressWarnings("unused")
    private static volatile long blackhole;

    private CpuBurn() {
    }

    /**
     * Burns {@code iterations} of work, checkpointing every chunk.
     *
     * @return a value that depends on every iteration, so the JIT cannot drop the loop
     */
    public static long burn(long iterations, long seed, TaskContext ctx) {
        long x = seed | 1;
        long left = iterations;
        while (left > 0) {
            int n = (int) Math.min(left, CHUNK_ITERATIONS);
            for (int i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
            left -= n;
            ctx.checkpoint();
        }
        return x;
    }

    /**
     * How many iterations this machine runs per millisecond of CPU, measured on the calling thread after a warm-up
     * (about 0.3 s in all). Call once, on a platform thread, before the measured runs.
     */
    public static double calibrateIterationsPerMilli() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpuClock = mx.isCurrentThreadCpuTimeSupported() && mx.getCurrentThreadCpuTime() >= 0;
        TaskContext free = FreeContext.INSTANCE;
        long sink = 0;
        for (int i = 0; i < 200; i++) {
            sink += burn(CHUNK_ITERATIONS * 4L, i, free); // warm-up: let C2 compile the loop
        }
        double best = 0;
        for (int round = 0; round < 5; round++) {
            long iterations = CHUNK_ITERATIONS * 256L;
            long t0 = cpuClock ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            sink += burn(iterations, round, free);
            long t1 = cpuClock ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            long nanos = Math.max(1, t1 - t0);
            best = Math.max(best, iterations * 1e6 / nanos); // the fastest round had the least interference
        }
        blackhole = sink; // a volatile write the JIT cannot drop, so neither can it drop the loops
        return best;
    }

    /** The iterations that burn {@code cpu} at the calibrated speed. */
    public static long iterationsFor(Duration cpu, double iterationsPerMilli) {
        return Math.round(cpu.toNanos() / 1e6 * iterationsPerMilli);
    }

    /** A context for calibration outside any backend: checkpoints do nothing. */
    private enum FreeContext implements TaskContext {
        INSTANCE;

        @Override
        public long taskId() {
            return 0;
        }

        @Override
        public void checkpoint() {
        }

        @Override
        public <R> R blocking(java.util.concurrent.Callable<R> call) throws Exception {
            return call.call();
        }

        @Override
        public void sleep(Duration duration) {
            throw new UnsupportedOperationException("calibration does not sleep");
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    }
}
