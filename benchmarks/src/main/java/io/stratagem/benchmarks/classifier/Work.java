package io.stratagem.benchmarks.classifier;

import io.stratagem.Task;
import io.stratagem.TaskContext;
import io.stratagem.spi.CalibrationProbe;

import java.time.Duration;

/**
 * A task with a known shape: a fixed amount of computation (calibrated once to take {@code cpu} on this machine),
 * a wait through the context, an input payload it carries and an output payload it returns. The work is counted in
 * loop iterations, not timed, so it costs the same on a platform thread, a virtual thread or in a worker JVM (where
 * it also pays the cold JIT, as a real task would).
 *
 * @param kind       name for reports
 * @param iterations work units of computation
 * @param waitNanos  time spent in {@link TaskContext#sleep}
 * @param input      payload carried with the task
 * @param outBytes   size of the returned payload
 */
public record Work(String kind, long iterations, long waitNanos, byte[] input, int outBytes) implements Task<byte[]> {

    private static volatile double iterationsPerNano = -1;

    /** A task that computes for about {@code cpu}, then waits {@code wait}, with the given payloads. */
    public static Work of(String kind, Duration cpu, Duration wait, int inBytes, int outBytes) {
        return new Work(kind, Math.round(cpu.toNanos() * iterationsPerNano()), wait.toNanos(), new byte[inBytes],
                outBytes);
    }

    @Override
    public byte[] run(TaskContext ctx) {
        long x = CalibrationProbe.spin(ctx, iterations);
        if (waitNanos > 0) {
            ctx.sleep(Duration.ofNanos(waitNanos));
        }
        byte[] out = new byte[Math.max(outBytes, 1)];
        out[0] = (byte) (x ^ input.length);
        return out;
    }

    @Override
    public String name() {
        return kind;
    }

    /**
     * Iterations per nanosecond of this JVM's warmed-up task loop, measured once (about 0.5 s) through the same
     * {@link #run} path the tasks take; the fastest of several rounds, so that a busy machine inflates it least.
     */
    public static double iterationsPerNano() {
        double v = iterationsPerNano;
        if (v > 0) {
            return v;
        }
        TaskContext idle = new TaskContext() {
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
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        long sink = 0;
        for (int i = 0; i < 30; i++) {
            sink += new Work("warm", 2_000_000, 0, new byte[0], 0).run(idle)[0];
        }
        double best = 0;
        for (int i = 0; i < 8; i++) {
            long n = 10_000_000;
            long t0 = System.nanoTime();
            sink += new Work("calibrate", n, 0, new byte[0], 0).run(idle)[0];
            best = Math.max(best, (double) n / (System.nanoTime() - t0));
        }
        if (sink == 42) {
            System.out.print("");
        }
        iterationsPerNano = best;
        return best;
    }
}
