package io.stratagem.examples.async;

import io.stratagem.Profile;
import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.async.AsyncStrategy;
import io.stratagem.async.EventLoop;
import io.stratagem.async.LoopFuture;
import io.stratagem.async.MisplacedTask;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The seed document's two waiting problems, measured: "your web server gets a new request every second" (here every
 * 50 ms, each request waiting 400 ms on a database, so 8 are in flight and a pool of 4 threads falls behind) and
 * "you're calling an API or a slow database" (40 calls of 100 ms). Each is run sequentially, on a pool of 4 threads,
 * on the {@link EventLoop} and on {@link AsyncStrategy}. Finally a CPU-heavy request shows why LOOP mode (asyncio) stalls and how the misplaced-task report flags it.
 *
 * <p>Run: {@code java -cp <examples classpath> io.stratagem.examples.async.WaitingWorkDemo}
 */
public final class WaitingWorkDemo {

    private static final int REQUESTS = 16;
    private static final Duration ARRIVAL = Duration.ofMillis(50);
    private static final Duration DB_WAIT = Duration.ofMillis(400);
    private static final int CALLS = 40;
    private static final Duration CALL_WAIT = Duration.ofMillis(100);

    private WaitingWorkDemo() {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "Web server: %d requests arriving every %d ms, each waiting %d ms on a database%n",
                REQUESTS, ARRIVAL.toMillis(), DB_WAIT.toMillis());
        System.out.println("| approach | total s | mean latency ms | worst latency ms |");
        System.out.println("|---|---|---|---|");
        row("sequential (main thread)", webServerSequential());
        row("4 platform threads", webServerPool());
        row("EventLoop (non-blocking sleep)", webServerLoop());
        try (Strategy s = AsyncStrategy.builder().mode(AsyncStrategy.Mode.LOOP).build()) {
            row("AsyncStrategy LOOP (virtual threads)", webServerStrategy(s));
        }

        System.out.printf(Locale.ROOT, "%nAPIs/databases: %d calls of %d ms each%n", CALLS, CALL_WAIT.toMillis());
        System.out.println("| approach | total s | speed-up over sequential |");
        System.out.println("|---|---|---|");
        double seq = time(() -> {
            for (int i = 0; i < CALLS; i++) {
                Thread.sleep(CALL_WAIT);
            }
        });
        double pool = time(() -> {
            try (ExecutorService ex = Executors.newFixedThreadPool(4)) {
                for (int i = 0; i < CALLS; i++) {
                    ex.submit(() -> {
                        Thread.sleep(CALL_WAIT);
                        return null;
                    });
                }
            }
        });
        double loop = time(() -> {
            try (EventLoop l = EventLoop.create()) {
                l.runUntilComplete(() -> {
                    List<LoopFuture<Void>> calls = new ArrayList<>();
                    for (int i = 0; i < CALLS; i++) {
                        calls.add(l.sleep(CALL_WAIT));
                    }
                    return l.gather(calls);
                });
            }
        });
        System.out.printf(Locale.ROOT, "| sequential | %.2f | 1.0× |%n| 4 platform threads | %.2f | %.1f× |%n"
                + "| EventLoop gather | %.2f | %.1f× |%n", seq, pool, seq / pool, loop, seq / loop);

        System.out.println("\nA CPU-heavy request (150 ms of computing, no waiting) among waiting ones:");
        for (AsyncStrategy.Mode mode : AsyncStrategy.Mode.values()) {
            try (AsyncStrategy s = AsyncStrategy.builder().mode(mode).build()) {
                TaskHandle<Object> heavy = s.submit(Task.of("resize-image", Profile.cpu(Duration.ofMillis(150)), ctx -> {
                    spin(Duration.ofMillis(150));
                    return null;
                }));
                long t0 = System.nanoTime();
                TaskHandle<Object> light = s.submit(Task.of("lookup-user", Profile.io(Duration.ofMillis(5)), ctx -> {
                    ctx.sleep(Duration.ofMillis(5));
                    return null;
                }));
                light.join();
                double lightMs = (System.nanoTime() - t0) / 1e6;
                heavy.join();
                List<MisplacedTask> m = s.misplacedTasks();
                System.out.printf(Locale.ROOT, "  %-8s a 5 ms lookup took %5.1f ms; misplacedTasks(): %s%n", mode, lightMs,
                        m.stream().map(t -> String.format(Locale.ROOT, "%s (busy %.0f%% of its run time)", t.name(),
                                t.busyShare() * 100)).toList());
            }
        }
        System.out.println("LOOP behaves like asyncio: CPU work in one task stalls every other task on the loop.");
    }

    private record Latencies(double totalS, double meanMs, double worstMs) {
    }

    private static void row(String name, Latencies l) {
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.0f | %.0f |%n", name, l.totalS(), l.meanMs(), l.worstMs());
    }

    /** One request at a time: each waits for every earlier one, as the seed describes. */
    private static Latencies webServerSequential() throws InterruptedException {
        long start = System.nanoTime();
        double[] lat = new double[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            long arrival = start + i * ARRIVAL.toNanos();
            long now = System.nanoTime();
            if (now < arrival) {
                TimeUnit.NANOSECONDS.sleep(arrival - now);
            }
            Thread.sleep(DB_WAIT);
            lat[i] = (System.nanoTime() - arrival) / 1e6;
        }
        return summary(start, lat);
    }

    private static Latencies webServerPool() throws Exception {
        long start = System.nanoTime();
        double[] lat = new double[REQUESTS];
        try (ExecutorService ex = Executors.newFixedThreadPool(4)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                long arrival = waitForArrival(start, i);
                int n = i;
                fs.add(ex.submit(() -> {
                    Thread.sleep(DB_WAIT);
                    lat[n] = (System.nanoTime() - arrival) / 1e6;
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        return summary(start, lat);
    }

    private static Latencies webServerLoop() throws Exception {
        double[] lat = new double[REQUESTS];
        long[] begin = new long[1];
        try (EventLoop loop = EventLoop.create()) {
            loop.runUntilComplete(() -> {
                long start = System.nanoTime(); // on the loop, when the first request can arrive
                begin[0] = start;
                List<LoopFuture<Void>> handled = new ArrayList<>();
                for (int i = 0; i < REQUESTS; i++) {
                    int n = i;
                    long arrival = start + i * ARRIVAL.toNanos();
                    handled.add(loop.sleep(ARRIVAL.multipliedBy(i))       // the request arrives
                            .thenCompose(v -> loop.sleep(DB_WAIT))         // await the database
                            .thenRun(() -> lat[n] = (System.nanoTime() - arrival) / 1e6));
                }
                return loop.gather(handled);
            });
        }
        return summary(begin[0], lat);
    }

    private static Latencies webServerStrategy(Strategy s) throws Exception {
        long start = System.nanoTime();
        double[] lat = new double[REQUESTS];
        List<TaskHandle<Object>> hs = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            long arrival = waitForArrival(start, i);
            int n = i;
            hs.add(s.submit(ctx -> {
                ctx.sleep(DB_WAIT);
                lat[n] = (System.nanoTime() - arrival) / 1e6;
                return null;
            }));
        }
        hs.forEach(TaskHandle::join);
        return summary(start, lat);
    }

    private static long waitForArrival(long start, int i) throws InterruptedException {
        long arrival = start + i * ARRIVAL.toNanos();
        long now = System.nanoTime();
        if (now < arrival) {
            TimeUnit.NANOSECONDS.sleep(arrival - now);
        }
        return arrival;
    }

    private static Latencies summary(long start, double[] lat) {
        double sum = 0;
        double worst = 0;
        for (double l : lat) {
            sum += l;
            worst = Math.max(worst, l);
        }
        return new Latencies((System.nanoTime() - start) / 1e9, sum / lat.length, worst);
    }

    private interface Body {
        void run() throws Exception;
    }

    private static double time(Body b) throws Exception {
        long t0 = System.nanoTime();
        b.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void spin(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
