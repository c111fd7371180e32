package io.stratagem.examples;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.Task;
import io.stratagem.TaskHandle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seed's "Use the Right Tool for Each Problem" table, measured: asyncio for waiting, threading for light CPU,
 * multiprocessing for heavy CPU. Runs three problems on the three backends under Python semantics and prints the
 * makespans, marking the fastest per problem.
 */
public final class RightToolForEachProblem {

    public static void main(String[] args) throws Exception {
        long perMs = Work.iterationsPerMilli();
        record Problem(String name, String seedSays, int tasks, Task<Long> task) {
        }
        List<Problem> problems = List.of(
                new Problem("waiting (100 x 50 ms I/O)", "asyncio", 100, ctx -> {
                    ctx.sleep(Duration.ofMillis(50));
                    return 0L;
                }),
                new Problem("light CPU (40 x 2 ms + 2 ms I/O)", "threading", 40, ctx -> {
                    long x = Work.burn(2 * perMs, ctx);
                    ctx.sleep(Duration.ofMillis(2));
                    return x;
                }),
                new Problem("heavy CPU (8 x 150 ms)", "multiprocessing", 8, ctx -> Work.burn(150 * perMs, ctx)));
        Backend[] backends = {Backend.ASYNC, Backend.GIL_THREADS, Backend.PROCESS_POOL};
        System.out.printf("%-34s %-16s %12s %12s %14s%n", "problem (python semantics)", "seed says",
                "ASYNC", "GIL_THREADS", "PROCESS_POOL");
        for (Problem p : problems) {
            double[] ms = new double[backends.length];
            for (int b = 0; b < backends.length; b++) {
                try (Strategy s = Strategy.create(backends[b], new StrategyOptions(Semantics.PYTHON, 0, Map.of()))) {
                    s.submit(ctx -> Work.burn(perMs, ctx)).join(); // start the workers before timing
                    long t0 = System.nanoTime();
                    List<TaskHandle<Long>> hs = new ArrayList<>();
                    for (int i = 0; i < p.tasks(); i++) {
                        hs.add(s.submit(p.task()));
                    }
                    hs.forEach(TaskHandle::join);
                    ms[b] = (System.nanoTime() - t0) / 1e6;
                }
            }
            int best = 0;
            for (int b = 1; b < ms.length; b++) {
                best = ms[b] < ms[best] ? b : best;
            }
            System.out.printf("%-34s %-16s", p.name(), p.seedSays());
            for (int b = 0; b < ms.length; b++) {
                System.out.printf(" %10.0f%s", ms[b], b == best ? "*" : " ");
            }
            System.out.println();
        }
        System.out.println("ms of makespan; * fastest. Python semantics: one GIL for the threads, one loop for async.");
    }
}
