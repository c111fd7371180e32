package io.stratagem.examples.lab;

import io.stratagem.Semantics;
import io.stratagem.Strategy;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One lab run: every contender under every semantics, measured with a {@link WorkloadRunner}, then the advice. Shows
 * progress on the given stream (stderr in the lab) so stdout stays clean for {@code --json}.
 *
 * @param workload    what to run
 * @param semantics   the semantics to run, in order
 * @param backends    the contenders, in order
 * @param repetitions measured runs per contender (each after a warm-up)
 * @param parallelism 0 for each backend's default
 */
public record LabSession(LabWorkload workload, List<Semantics> semantics, List<String> backends, int repetitions,
                         int parallelism) {

    /** Most repetitions. */
    public static final int MAX_REPETITIONS = 50;

    public LabSession {
        semantics = List.copyOf(semantics);
        backends = List.copyOf(backends);
        if (semantics.isEmpty() || backends.isEmpty()) {
            throw new IllegalArgumentException("the lab needs at least one semantics and one backend");
        }
        if (repetitions < 1 || repetitions > MAX_REPETITIONS) {
            throw new IllegalArgumentException(
                    "repetitions must be between 1 and " + MAX_REPETITIONS + ", was " + repetitions);
        }
    }

    private BackendResult measure(Strategy strategy, String backend, Semantics s, Contenders contenders,
                                  WorkloadRunner runner, int cores, long t0, PrintStream progress)
            throws InterruptedException {
        runner.warmUp(strategy, 2 * cores);
        boolean shared = runner.sharesMemory(strategy);
        double startupMs = Math.round((System.nanoTime() - t0) / 1e4) / 100.0;
        List<Measurement> reps = new ArrayList<>();
        for (int rep = 0; rep < repetitions; rep++) {
            if (rep == repetitions - 1) {
                contenders.resetTimeline(strategy);
            }
            Measurement m = runner.run(strategy, workload);
            reps.add(m);
            progress.printf(Locale.ROOT, "%s%.0f ms", rep == 0 ? "      makespan " : ", ", m.makespanMs());
            progress.flush();
        }
        progress.printf(Locale.ROOT, "  (start-up and warm-up %.0f ms)%n", startupMs);
        return new BackendResult(backend, s, startupMs, shared, reps);
    }

    /**
     * Runs everything and returns the measurements. A contender that cannot be created or fails its warm-up is left
     * out with a note, so one broken backend does not hide the others. Blocks for the whole run.
     *
     * @throws InterruptedException if interrupted; the running contender's tasks are cancelled and its strategy closed
     */
    public LabResult run(Contenders contenders, Optional<Advisor> advisor, double iterationsPerMilli,
                         Duration runTimeout, PrintStream progress) throws InterruptedException {
        WorkloadRunner runner = new WorkloadRunner(iterationsPerMilli, runTimeout);
        int cores = Runtime.getRuntime().availableProcessors();
        List<BackendResult> results = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Optional<LockTimeline> timeline = Optional.empty();
        int step = 0;
        int steps = semantics.size() * backends.size();
        for (Semantics s : semantics) {
            for (String backend : backends) {
                step++;
                String label = String.format(Locale.ROOT, "[%d/%d] %-6s %-12s", step, steps,
                        JsonReport.name(s), backend);
                progress.println(label + " running " + repetitions + " time" + (repetitions == 1 ? "" : "s")
                        + " after a warm-up...");
                long t0 = System.nanoTime();
                try (Strategy strategy = contenders.create(backend, s, parallelism)) {
                    BackendResult result;
                    try {
                        result = measure(strategy, backend, s, contenders, runner, cores, t0, progress);
                    } catch (InterruptedException e) {
                        // close() would wait for every queued task; stop them first, then let close() reap them
                        strategy.shutdownNow();
                        throw e;
                    }
                    if (s == Semantics.PYTHON && backend.equals("GIL_THREADS")) {
                        timeline = contenders.timeline(strategy);
                    }
                    results.add(result);
                    if (result.median().failed() > 0) {
                        notes.add(JsonReport.name(s) + " " + backend + ": " + result.median().failed()
                                + " tasks failed, first: " + result.median().firstFailure());
                    }
                } catch (RuntimeException e) {
                    progress.println("      FAILED: " + e);
                    notes.add(JsonReport.name(s) + " " + backend + " could not run: " + e.getMessage());
                }
            }
        }
        List<Advice> advice = new ArrayList<>();
        if (advisor.isPresent()) {
            for (Semantics s : semantics) {
                advice.add(advisor.get().advise(workload, s));
            }
        } else {
            notes.add("no recommendation: the classifier is not on the class path");
        }
        return new LabResult(workload, repetitions, semantics, results, advice, timeline, cores,
                Runtime.version().toString(), iterationsPerMilli, notes);
    }
}
