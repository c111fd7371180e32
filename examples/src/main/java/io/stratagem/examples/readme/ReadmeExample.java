package io.stratagem.examples.readme;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.Task;
import io.stratagem.TaskHandle;

import java.util.List;

/**
 * The README's example, kept compiling: one CPU-bound task, two copies, on every backend and both semantics. Under
 * {@code PYTHON} the GIL threads take turns; everywhere else the two copies run side by side on two cores.
 */
public final class ReadmeExample {
    private ReadmeExample() {
    }

    public static void main(String[] args) {
        Task<Long> work = ctx -> {
            long n = 0;
            for (int i = 0; i < 100_000_000; i++) {
                n += i % 7;
                if ((i & 0xFFFF) == 0) ctx.checkpoint();   // where the GIL may switch and cancellation gets in
            }
            return n;
        };
        for (Semantics semantics : Semantics.values()) {
            for (Backend backend : Backend.values()) {
                run(work, backend, semantics, true);   // warm-up: the JIT compiles the loop
                run(work, backend, semantics, false);
            }
        }
    }

    private static void run(Task<Long> work, Backend backend, Semantics semantics, boolean warmUp) {
        {
            {
                long start = System.nanoTime();
                try (Strategy s = Strategy.create(backend, StrategyOptions.defaults().withSemantics(semantics))) {
                    List<TaskHandle<Long>> hs = List.of(s.submit(work), s.submit(work));
                    for (TaskHandle<Long> h : hs) {
                        h.join();
                    }
                    if (warmUp) {
                        return;
                    }
                    System.out.printf("%-12s %-6s both done in %4d ms (each ran %s)%n", backend, semantics,
                            (System.nanoTime() - start) / 1_000_000,
                            hs.stream().map(h -> h.timings().runTime().toMillis() + " ms").toList());
                }
            }
        }
    }
}
