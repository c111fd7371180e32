package io.stratagem.examples;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.TaskHandle;

import java.util.Map;

/**
 * The seed's "Problem 2: some tasks are CPU monsters": while one task computes for 500 ms, how long does a 1 ms
 * request wait? On an asyncio loop the whole app is frozen; under the GIL the request gets a turn every switch
 * interval; in a worker process (or free threads) it runs beside the monster.
 */
public final class CpuMonsterFreezesTheLoop {

    public static void main(String[] args) {
        long perMs = Work.iterationsPerMilli();
        System.out.printf("%-14s %-8s %28s%n", "backend", "world", "1 ms request, answered after");
        Object[][] runs = {{Backend.ASYNC, Semantics.PYTHON}, {Backend.GIL_THREADS, Semantics.PYTHON},
                {Backend.PROCESS_POOL, Semantics.PYTHON}, {Backend.ASYNC, Semantics.JVM}};
        for (Object[] run : runs) {
            StrategyOptions options = new StrategyOptions((Semantics) run[1], 2, Map.of());
            try (Strategy s = Strategy.create((Backend) run[0], options)) {
                var w1 = s.submit(ctx -> Work.burn(50 * perMs, ctx)); // start both workers before timing
                s.submit(ctx -> Work.burn(50 * perMs, ctx)).join();
                w1.join();
                TaskHandle<Long> monster = s.submit(ctx -> Work.burn(500 * perMs, ctx));
                long t0 = System.nanoTime();
                s.submit(ctx -> Work.burn(perMs, ctx)).join();
                System.out.printf("%-14s %-8s %25.0f ms%n", run[0], run[1], (System.nanoTime() - t0) / 1e6);
                monster.join();
            }
        }
        System.out.println("\nThe loop cannot switch inside a computation (no await); the GIL switches every 5 ms;");
        System.out.println("processes and free threads run the request in parallel.");
    }
}
