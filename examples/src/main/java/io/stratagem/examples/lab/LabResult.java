package io.stratagem.examples.lab;

import io.stratagem.Semantics;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A whole lab run: the workload, what every contender measured, the classifier's advice, and the GIL timeline.
 *
 * @param workload           what ran
 * @param repetitions        runs per contender
 * @param semantics          the semantics run, in order
 * @param results            one per contender and semantics
 * @param advice             one per semantics (empty if the classifier is unavailable)
 * @param timeline           the GIL timeline of the Python-semantics thread run, if captured
 * @param cores              available processors
 * @param javaVersion        the running JDK
 * @param iterationsPerMilli the CPU calibration
 * @param notes              anything the reader should know (a contender that could not run, and why)
 */
public record LabResult(LabWorkload workload, int repetitions, List<Semantics> semantics,
                        List<BackendResult> results, List<Advice> advice, Optional<LockTimeline> timeline,
                        int cores, String javaVersion, double iterationsPerMilli, List<String> notes) {

    public LabResult {
        semantics = List.copyOf(semantics);
        results = List.copyOf(results);
        advice = List.copyOf(advice);
        notes = List.copyOf(notes);
    }

    /** The results under one semantics, in run order. */
    public List<BackendResult> resultsFor(Semantics s) {
        return results.stream().filter(r -> r.semantics() == s).toList();
    }

    /** The measured result of one backend under one semantics. */
    public Optional<BackendResult> result(String backend, Semantics s) {
        return results.stream().filter(r -> r.semantics() == s && r.backend().equals(backend)).findFirst();
    }

    /** The backend with the shortest median makespan under {@code s}, among the three backends (not AUTO). */
    public Optional<BackendResult> best(Semantics s) {
        return resultsFor(s).stream().filter(r -> !r.backend().equals("AUTO"))
                .filter(r -> r.median().failed() == 0)
                .min(Comparator.comparingDouble(r -> r.median().makespanMs()));
    }

    /**
     * The measured regret of following the advice under {@code s}: how much longer the recommended backend took than
     * the best one, as a fraction of the best (0 when the recommendation was the best). Empty if either was not
     * measured.
     */
    public Optional<Double> regret(Advice a) {
        Optional<BackendResult> best = best(a.semantics());
        Optional<BackendResult> chosen = result(a.backend(), a.semantics());
        if (best.isEmpty() || chosen.isEmpty()) {
            return Optional.empty();
        }
        double b = best.get().median().makespanMs();
        double c = chosen.get().median().makespanMs();
        return Optional.of(b <= 0 ? 0 : Math.max(0, (c - b) / b));
    }
}
