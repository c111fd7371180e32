package io.stratagem.examples.lab;

import io.stratagem.Semantics;

import java.util.List;
import java.util.Map;

/**
 * The classifier's recommendation for a workload under one semantics, as the lab reports it.
 *
 * @param semantics            the semantics asked about
 * @param backend              the recommended backend's name
 * @param predictedMakespanMs  the classifier's predicted makespan per backend name
 * @param reasons              why, in the classifier's words
 * @param confidence           the classifier's confidence in [0, 1]
 * @param method               how one recommendation was derived from the workload (e.g. the aggregate profile)
 * @param perKind              the recommendation for each task kind on its own (empty for a one-kind workload)
 */
public record Advice(Semantics semantics, String backend, Map<String, Double> predictedMakespanMs,
                     List<String> reasons, double confidence, String method, List<KindAdvice> perKind) {

    public Advice {
        predictedMakespanMs = Map.copyOf(predictedMakespanMs);
        reasons = List.copyOf(reasons);
        perKind = List.copyOf(perKind);
    }

    /**
     * The recommendation for one task kind.
     *
     * @param kind    the kind's name
     * @param backend the backend recommended for it
     * @param reason  the first reason given
     */
    public record KindAdvice(String kind, String backend, String reason) {
    }
}
