package io.stratagem.examples;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.TaskHandle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seed's "Concurrency vs Parallelism": n CPU-bound tasks of t each take about n × t under the GIL (concurrency:
 * they take turns) and about n × t / cores in worker processes or free JVM threads (parallelism).
 */
public final class ConcurrencyVsParallelism {

    public static void main(String[] args) {
        int n = 4;
        long t = 200;
        long perMs = Work.iterationsPerMilli();
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("%d CPU-bound tasks of %d ms each on %d cores; the seed predicts n*t = %d ms under the "
                + "GIL%n%n", n, t, cores, n * t);
        System.out.printf("%-14s %-8s %10s %18s%n", "backend", "world", "makespan", "speed-up vs n*t");
        Object[][] runs = {{Backend.GIL_THREADS, Semantics.PYTHON}, {Backend.PROCESS_POOL, Semantics.PYTHON},
                {Backend.GIL_THREADS, Semantics.JVM}};
        for (Object[] run : runs) {
            Backend backend = (Backend) run[0];
            Semantics world = (Semantics) run[1];
            try (Strategy s = Strategy.create(backend, new StrategyOptions(world, 0, Map.of()))) {
                s.submit(ctx -> Work.burn(perMs, ctx)).join(); // start the workers before timing
                long t0 = System.nanoTime();
                List<TaskHandle<Long>> hs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    hs.add(s.submit(ctx -> Work.burn(t * perMs, ctx)));
                }
                hs.forEach(TaskHandle::join);
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf("%-14s %-8s %7.0f ms %17.2fx%n", backend, world, ms, n * t / ms);
            }
        }
        System.out.println("\nConcurrency (GIL threads) interleaves the tasks on one core: speed-up about 1x.");
        System.out.println("Parallelism (processes, free threads) runs them at once: speed-up up to the core count.");
    }
}
