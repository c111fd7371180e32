package io.stratagem.benchmarks.async;

import io.stratagem.Strategy;
import io.stratagem.TaskHandle;
import io.stratagem.async.AsyncStrategy;
import io.stratagem.async.EventLoop;
import io.stratagem.async.LoopTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One measured variant in its own JVM (so peak RSS is that variant's alone), run by {@link AsyncScaleBench}. Prints
 * one JSON object on its last line. Usage: {@code ScaleChild <variant> <k> <waitMillis> [nolive]}; variants: {@code loop},
 * {@code strategy}, {@code bare} (core's AbstractStrategy alone), {@code rawvt} (K tasks that each wait) and {@code loop-trivial}, {@code strategy-trivial},
 * {@code rawvt-trivial} (K trivial tasks gathered). With {@code nolive} the separate live-heap round is skipped (the
 * harness measures it once per variant and K; it adds a 5 s wait to every run).
 */
public final class ScaleChild {

    /** Warm-up rounds before the measured one; override with {@code -Dstratagem.warmup=N}. */
    private static final int WARMUP_ROUNDS = Integer.getInteger("stratagem.warmup", 5);

    private ScaleChild() {
    }

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        int k = Integer.parseInt(args[1]);
        Duration wait = Duration.ofMillis(Long.parseLong(args[2]));
        boolean trivial = variant.endsWith("-trivial");
        boolean live = !(args.length > 3 && args[3].equals("nolive"));
        String base = trivial ? variant.substring(0, variant.length() - "-trivial".length()) : variant;
        try (Runner r = Runner.of(base)) {
            double wall;
            double cpuUs = 0;
            double liveBytes = 0;
            double rss = 0;
            if (trivial) {
                for (int i = 0; i < 5; i++) {
                    r.trivial(k); // warm-up: JIT the whole path
                }
                wall = Double.MAX_VALUE;
                for (int i = 0; i < 5; i++) {
                    wall = Math.min(wall, r.trivial(k));
                }
            } else {
                for (int i = 0; i < WARMUP_ROUNDS; i++) {
                    // warm-up with short waits, the same for every variant: JIT-compiles the path through C2 (kept to
                    // 100k tasks a round so peak RSS stays the measured run's)
                    r.sleepers(Math.min(k, 100_000), Duration.ofMillis(50), null);
                }
                System.gc();
                long c0 = OS.getProcessCpuTime();
                wall = r.sleepers(k, wait, null);
                cpuUs = (OS.getProcessCpuTime() - c0) / 1e3 / k;
                rss = peakRssMib();
                // then, in a round of its own, the live heap per waiting task: GC 2.5 s after the last submit, while
                // all K still wait (a 5 s wait; only up to 100k tasks, whose submission takes well under 2.5 s here)
                if (live && k <= 100_000) {
                    System.gc();
                    long before = usedHeap();
                    long[] mid = new long[1];
                    r.sleepers(k, Duration.ofSeconds(5), () -> {
                        System.gc();
                        mid[0] = usedHeap();
                    });
                    liveBytes = (double) (mid[0] - before) / k;
                } else {
                    liveBytes = Double.NaN;
                }
            }
            if (trivial) {
                rss = peakRssMib();
            }
            System.out.println(String.format(Locale.ROOT,
                    "{\"variant\":\"%s\",\"k\":%d,\"wall_s\":%.4f,\"peak_rss_mib\":%.1f,\"cpu_us_per_task\":%.2f,"
                            + "\"live_bytes_per_task\":%.0f,\"heap_max_mib\":%d}",
                    variant, k, wall, rss, cpuUs, liveBytes, Runtime.getRuntime().maxMemory() >> 20));
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Waits {@code d} in the harness's own thread (a program, not a test). */
    static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** VmHWM of this process from /proc/self/status, in MiB. */
    static double peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return -1;
    }

    private interface Runner extends AutoCloseable {
        /** K tasks that each wait; {@code midway} (if any) runs once, half the wait after all were submitted. */
        double sleepers(int k, Duration wait, Runnable midway) throws Exception;

        double trivial(int k) throws Exception;

        @Override
        void close();

        static Runner of(String name) {
            return switch (name) {
                case "loop" -> new LoopRunner();
                case "strategy" -> new StrategyRunner(AsyncStrategy.create());
                case "bare" -> new StrategyRunner(new BareCoreStrategy());
                case "rawvt" -> new RawRunner();
                default -> throw new IllegalArgumentException("unknown variant " + name);
            };
        }
    }

    /** EventLoop: K tasks that each await a non-blocking sleep; no thread per waiting task. */
    private static final class LoopRunner implements Runner {
        private final EventLoop loop = EventLoop.create();

        @Override
        public double sleepers(int k, Duration wait, Runnable midway) throws Exception {
            long t0 = System.nanoTime();
            loop.runUntilComplete(() -> {
                List<LoopTask<Void>> ts = new ArrayList<>(k);
                for (int i = 0; i < k; i++) {
                    ts.add(loop.spawn(() -> loop.sleep(wait)));
                }
                if (midway != null) {
                    loop.callLater(wait.dividedBy(2), midway);
                }
                return loop.gather(ts);
            });
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public double trivial(int k) throws Exception {
            long t0 = System.nanoTime();
            List<Integer> r = loop.runUntilComplete(() -> {
                List<LoopTask<Integer>> ts = new ArrayList<>(k);
                for (int i = 0; i < k; i++) {
                    int v = i;
                    ts.add(loop.spawn(() -> CompletableFuture.completedFuture(v + 1)));
                }
                return loop.gather(ts);
            });
            check(r.get(k - 1) == k);
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public void close() {
            loop.close();
        }
    }

    /** AsyncStrategy (PARALLEL, no limit), or core's bare floor: a virtual thread per task, waiting in ctx.sleep. */
    private static final class StrategyRunner implements Runner {
        private final Strategy s;

        StrategyRunner(Strategy s) {
            this.s = s;
        }

        @Override
        public double sleepers(int k, Duration wait, Runnable midway) {
            long t0 = System.nanoTime();
            List<TaskHandle<Void>> hs = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                hs.add(s.submit(ctx -> {
                    ctx.sleep(wait);
                    return null;
                }));
            }
            if (midway != null) {
                pause(wait.dividedBy(2));
                midway.run();
            }
            for (TaskHandle<Void> h : hs) {
                h.join();
            }
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public double trivial(int k) {
            long t0 = System.nanoTime();
            List<TaskHandle<Integer>> hs = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                int v = i;
                hs.add(s.submit(ctx -> v + 1));
            }
            long sum = 0;
            for (TaskHandle<Integer> h : hs) {
                sum += h.join();
            }
            check(sum == (long) k * (k + 1) / 2);
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public void close() {
            s.close();
        }
    }

    /** The baseline: Executors.newVirtualThreadPerTaskExecutor() running the same tasks. */
    private static final class RawRunner implements Runner {
        private final ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();

        @Override
        public double sleepers(int k, Duration wait, Runnable midway) throws Exception {
            long t0 = System.nanoTime();
            List<Future<Void>> fs = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                fs.add(ex.submit(() -> {
                    Thread.sleep(wait);
                    return null;
                }));
            }
            if (midway != null) {
                pause(wait.dividedBy(2));
                midway.run();
            }
            for (Future<Void> f : fs) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public double trivial(int k) throws Exception {
            long t0 = System.nanoTime();
            List<Future<Integer>> fs = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                int v = i;
                fs.add(ex.submit(() -> v + 1));
            }
            long sum = 0;
            for (Future<Integer> f : fs) {
                sum += f.get();
            }
            check(sum == (long) k * (k + 1) / 2);
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public void close() {
            ex.close();
        }
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new AssertionError("wrong result: a task was lost or miscomputed");
        }
    }
}
