package io.stratagem.examples.lab;

import io.stratagem.Backend;
import io.stratagem.Classifier;
import io.stratagem.Environment;
import io.stratagem.Recommendation;
import io.stratagem.Semantics;
import io.stratagem.Workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The advisor of the real lab: the {@link Classifier}, on this machine's measured {@link Environment}.
 *
 * <p>A workload with several kinds gets one recommendation from its aggregate profile (each field the task-weighted
 * mean over the kinds, so the totals of CPU, waiting and payload are the workload's), which is what a single
 * strategy for the whole service must be chosen by; each kind's own recommendation is listed beside it, and the
 * {@code AUTO} contender shows what placing each task by its kind achieves.
 */
final class Advisors {

    private Advisors() {
    }

    static Optional<Advisor> installed() {
        return Optional.of(Advisors::advise);
    }

    static Advice advise(LabWorkload w, Semantics s) {
        Classifier c = Classifier.create();
        Environment env = Environment.measured();
        Recommendation r = c.recommend(w.aggregateProfile(), workload(w.totalTasks(), w, 1), env, s);
        List<Advice.KindAdvice> perKind = new ArrayList<>();
        if (w.kinds().size() > 1) {
            for (TaskKind k : w.kinds()) {
                // the kind's share of the arrival rate
                double shareOfRate = (double) k.tasks() / w.totalTasks();
                Recommendation kr = c.recommend(k.profile(), workload(k.tasks(), w, shareOfRate), env, s);
                perKind.add(new Advice.KindAdvice(k.name(), kr.backend().name(),
                        kr.reasons().isEmpty() ? "" : kr.reasons().get(0)));
            }
        }
        Map<String, Double> predicted = new LinkedHashMap<>();
        for (Map.Entry<Backend, Duration> e : r.predictedMakespan().entrySet()) {
            predicted.put(e.getKey().name(), Math.round(e.getValue().toNanos() / 1e3) / 1e3);
        }
        var p = w.aggregateProfile();
        String method = w.kinds().size() == 1 ? "from the workload's profile"
                : "from the aggregate profile of " + w.kinds().size() + " kinds (task-weighted mean: cpu "
                + Units.format(p.cpuTime()) + ", wait " + Units.format(p.waitTime()) + ", payload "
                + Units.formatSize(p.inputBytes()) + " per task); each kind's own recommendation is listed, and AUTO "
                + "places every task by its kind";
        return new Advice(s, r.backend().name(), predicted, r.reasons(), r.confidence(), method, perKind);
    }

    private static Workload workload(int tasks, LabWorkload w, double shareOfRate) {
        return w.arrival().isAllAtOnce() ? Workload.batch(tasks)
                : Workload.atRate(tasks, w.arrival().ratePerSecond() * shareOfRate);
    }
}
