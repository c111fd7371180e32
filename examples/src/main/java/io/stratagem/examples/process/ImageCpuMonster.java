package io.stratagem.examples.process;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.Task;
import io.stratagem.TaskContext;
import io.stratagem.TaskHandle;
import io.stratagem.WorkerCrashedException;
import io.stratagem.process.ProcessPoolStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;

/**
 * The seed's "CPU monster": processing images. The same task (blur a generated image 60 times, return a checksum) runs
 * sequentially, on 2 threads under the emulated GIL (Python's {@code threading}: no faster than sequential), and on a
 * pool of 2 worker JVMs (Python's {@code multiprocessing}: real parallelism). Then one "image" crashes its worker, as
 * a native decoder might; the pool fails that task only and finishes the rest.
 *
 * <p>Run: {@code java -cp <examples class path> io.stratagem.examples.process.ImageCpuMonster [images] [size]}
 */
public final class ImageCpuMonster {
    private ImageCpuMonster() {
    }

    private static final int PASSES = 60;

    public static void main(String[] args) {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1500;
        System.out.printf(Locale.ROOT, "%d images of %dx%d, %d box-blur passes each, on %d CPUs%n%n", images, size, size, PASSES,
                Runtime.getRuntime().availableProcessors());

        long t = System.nanoTime();
        long expected = 0;
        for (int i = 0; i < images; i++) {
            expected += blur(i, size, null);
        }
        double seq = seconds(t);
        System.out.printf(Locale.ROOT, "%-34s %6.2f s  1.00x%n", "sequential (one thread)", seq);

        try (Strategy gil = Strategy.create(Backend.GIL_THREADS, new StrategyOptions(Semantics.PYTHON, 2, java.util.Map.of()))) {
            t = System.nanoTime();
            long sum = runAll(gil, images, size);
            double s = seconds(t);
            check(sum, expected);
            System.out.printf(Locale.ROOT, "%-34s %6.2f s  %.2fx%n", "2 threads under the GIL (threading)", s, seq / s);
        }

        try (Strategy pool = ProcessPoolStrategy.builder().workers(2).eager(true).build()) {
            runAll(pool, 4, 300); // workers started and JIT-warm, as CPython's pool is after its first use
            t = System.nanoTime();
            long sum = runAll(pool, images, size);
            double s = seconds(t);
            check(sum, expected);
            System.out.printf(Locale.ROOT, "%-34s %6.2f s  %.2fx%n", "process pool, 2 workers", s, seq / s);

            System.out.println();
            System.out.println("Image 3 is corrupt and kills its worker (Runtime.halt, like a crash in native code):");
            List<TaskHandle<Long>> hs = new ArrayList<>();
            for (int i = 0; i < images; i++) {
                hs.add(pool.submit(i == 3 ? corrupt() : image(i, size)));
            }
            int ok = 0;
            for (int i = 0; i < images; i++) {
                try {
                    hs.get(i).join();
                    ok++;
                } catch (CompletionException e) {
                    if (e.getCause() instanceof WorkerCrashedException w) {
                        System.out.println("  image " + i + ": " + w.getMessage().lines().findFirst().orElse(""));
                        System.out.println("    worker's last stderr line: " + w.stderrTail().get(w.stderrTail().size() - 1));
                    } else {
                        throw e;
                    }
                }
            }
            System.out.println("  " + ok + " of " + images + " images processed; the pool replaced the worker and "
                    + "stays usable: " + (pool.submit(image(1, 64)).join() == blur(1, 64, null)));
            System.out.println("  (CPython's ProcessPoolExecutor raises BrokenProcessPool for every pending and later task)");
        }
    }

    private static long runAll(Strategy s, int images, int size) {
        List<TaskHandle<Long>> hs = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            hs.add(s.submit(image(i, size)));
        }
        long sum = 0;
        for (TaskHandle<Long> h : hs) {
            sum += h.join();
        }
        return sum;
    }

    static Task<Long> image(int seed, int size) {
        return ctx -> blur(seed, size, ctx);
    }

    static Task<Long> corrupt() {
        return ctx -> {
            System.err.println("decoder: corrupt JPEG marker, aborting");
            Runtime.getRuntime().halt(134);
            return 0L;
        };
    }

    /** Generates a size x size grey image from {@code seed}, box-blurs it {@link #PASSES} times, returns a checksum. */
    static long blur(int seed, int size, TaskContext ctx) {
        int[] a = new int[size * size];
        int[] b = new int[size * size];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < a.length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            a[i] = (int) (x >>> 56);
        }
        for (int pass = 0; pass < PASSES; pass++) {
            for (int y = 1; y < size - 1; y++) {
                if (ctx != null) {
                    ctx.checkpoint(); // where the GIL may switch, and where cancellation lands
                }
                int row = y * size;
                for (int col = 1; col < size - 1; col++) {
                    int p = row + col;
                    b[p] = (a[p - size - 1] + a[p - size] + a[p - size + 1] + a[p - 1] + a[p] + a[p + 1]
                            + a[p + size - 1] + a[p + size] + a[p + size + 1]) / 9;
                }
            }
            int[] tmp = a;
            a = b;
            b = tmp;
        }
        long sum = 0;
        for (int v : a) {
            sum = sum * 31 + v;
        }
        return sum;
    }

    private static void check(long got, long expected) {
        if (got != expected) {
            throw new IllegalStateException("checksum " + got + " differs from the sequential " + expected);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
