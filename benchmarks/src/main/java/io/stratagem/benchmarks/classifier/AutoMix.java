package io.stratagem.benchmarks.classifier;

import io.stratagem.AutoStrategy;
import io.stratagem.Backend;
import io.stratagem.Environment;
import io.stratagem.Profile;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.Task;
import io.stratagem.TaskHandle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The auto strategy against every single backend on one mixed stream: waiting tasks, light CPU tasks, heavy CPU
 * tasks (all three declared) and undeclared tasks, submitted interleaved. Prints each makespan (from creating the
 * strategy to the last task's end, the fastest of {@code mix.reps} runs, each rep in a shuffled order), the ratios,
 * and the auto strategy's observed-profile report. Run: {@code java -cp ... io.stratagem.benchmarks.classifier.AutoMix}.
 */
public final class AutoMix {

    static final int REPS = Integer.getInteger("mix.reps", 2);
    /** {@code -Dmix.semantics=JVM} (or {@code PYTHON}) runs one semantics only; both by default. */
    static final String SEMANTICS = System.getProperty("mix.semantics", "");

    static List<Task<byte[]>> stream() {
        List<Task<byte[]>> waits = new ArrayList<>();
        List<Task<byte[]>> lights = new ArrayList<>();
        List<Task<byte[]>> heavies = new ArrayList<>();
        List<Task<byte[]>> undeclared = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            waits.add(Task.of("wait-100ms", Profile.io(Duration.ofMillis(100)),
                    Work.of("wait-100ms", Duration.ZERO, Duration.ofMillis(100), 0, 0)));
        }
        for (int i = 0; i < 100; i++) {
            lights.add(Task.of("light-cpu-2ms", Profile.cpu(Duration.ofMillis(2)),
                    Work.of("light-cpu-2ms", Duration.ofMillis(2), Duration.ZERO, 0, 0)));
        }
        for (int i = 0; i < 12; i++) {
            heavies.add(Task.of("heavy-cpu-100ms", Profile.cpu(Duration.ofMillis(100)),
                    Work.of("heavy-cpu-100ms", Duration.ofMillis(100), Duration.ZERO, 0, 0)));
        }
        for (int i = 0; i < 30; i++) {
            undeclared.add(Work.of("undeclared-cpu20-wait20", Duration.ofMillis(20), Duration.ofMillis(20), 0, 0));
        }
        List<Task<byte[]>> mixed = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i < waits.size()) {
                mixed.add(waits.get(i));
            }
            mixed.add(lights.get(i));
            if (i < heavies.size()) {
                mixed.add(heavies.get(i));
            }
            if (i < undeclared.size()) {
                mixed.add(undeclared.get(i));
            }
        }
        return mixed;
    }

    public static void main(String[] args) {
        Work.iterationsPerNano();
        Environment env = Environment.measured();
        long seed = Long.getLong("mix.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("# order seed " + seed + " (-Dmix.seed to repeat it)");
        System.out.println("# calibration (" + env.cores() + " cores): " + env.calibration().asMap());
        for (Semantics sem : Semantics.values()) {
            if (!SEMANTICS.isEmpty() && !SEMANTICS.equalsIgnoreCase(sem.name())) {
                continue;
            }
            Map<Backend, Double> single = new EnumMap<>(Backend.class);
            double auto = Double.MAX_VALUE;
            String report = "";
            // Each rep runs the four strategies in a shuffled order (seeded), so that none always follows the process
            // pool, whose workers' exit and garbage the next run would otherwise inherit.
            Backend[] backends = Backend.values();
            for (int rep = 0; rep < REPS; rep++) {
                List<Integer> order = new ArrayList<>(IntStream.rangeClosed(0, backends.length).boxed().toList());
                Collections.shuffle(order, random);
                for (int k : order) {
                    if (k < backends.length) {
                        Backend b = backends[k];
                        single.merge(b, run(Strategy.create(b, new StrategyOptions(sem, 0, Map.of()))), Math::min);
                        continue;
                    }
                    AutoStrategy a = Strategy.auto(sem, env);
                    double t = run(a);
                    if (t < auto) {
                        auto = t;
                        report = a.report().format();
                    }
                }
            }
            double best = single.values().stream().min(Double::compare).orElseThrow();
            System.out.printf(Locale.ROOT, "%n## %s: %d tasks%n| strategy | makespan | vs auto |%n|---|---|---|%n",
                    sem, stream().size());
            for (Map.Entry<Backend, Double> e : single.entrySet()) {
                System.out.printf(Locale.ROOT, "| %s | %.2f s | %.2fx |%n", e.getKey(), e.getValue(),
                        e.getValue() / auto);
            }
            System.out.printf(Locale.ROOT, "| auto | %.2f s | 1.00x |%n%nauto / best single backend = %.2f%n%n%s",
                    auto, auto / best, report);
        }
    }

    /** Seconds from the strategy's creation (the caller's) to the last task's end; closes it untimed. */
    static double run(Strategy s) {
        List<Task<byte[]>> tasks = stream();
        System.gc(); // the previous run's garbage is not this one's to collect
        ProcessHandle.current().descendants().forEach(h -> h.onExit().join()); // a closed pool's workers, exiting
        long t0 = System.nanoTime();
        try {
            List<TaskHandle<byte[]>> hs = new ArrayList<>();
            for (Task<byte[]> t : tasks) {
                hs.add(s.submit(t));
            }
            hs.forEach(TaskHandle::join);
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            s.close();
        }
    }

    private AutoMix() {
    }
}
