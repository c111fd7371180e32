package io.stratagem;

import io.stratagem.internal.classify.CostModel;
import io.stratagem.internal.classify.Estimate;
import io.stratagem.internal.classify.Reasons;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Recommends a backend for a task's {@link Profile}, with a predicted makespan for every backend and the reasons in
 * plain sentences. A cost model, not a lookup table: it weighs CPU against waiting, tasks against cores, each
 * backend's per-task overhead, the payload against the measured pipe, and the isolation and shared-state flags,
 * using the constants of the {@link Environment}'s {@link Calibration}.
 *
 * <pre>{@code
 * Recommendation r = Classifier.create().recommend(Profile.cpu(Duration.ofMillis(40)), Workload.batch(200),
 *         Environment.measured(), Semantics.PYTHON);
 * log.info(r.explain());   // the backend, a prediction for each backend, and the reasons
 * }</pre>
 *
 * <p>Stateless and thread-safe; {@code recommend} never blocks and is deterministic: the same arguments give the
 * same recommendation. The model is documented in {@code io.stratagem.internal.classify.CostModel}; predictions are
 * for a freshly created strategy with its default parallelism, start-up included.
 */
public final class Classifier {

    private static final Classifier INSTANCE = new Classifier();

    private Classifier() {
    }

    /** The classifier (it holds no state). */
    public static Classifier create() {
        return INSTANCE;
    }

    /**
     * Recommends where {@code workload} tasks of {@code profile} should run on {@code environment}, in the world of
     * {@code semantics}. A profile that needs isolation can only go to the process pool; one that shares the
     * caller's state can never go there.
     *
     * @throws NullPointerException if an argument is null
     */
    public Recommendation recommend(Profile profile, Workload workload, Environment environment,
                                    Semantics semantics) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(semantics, "semantics");
        Map<Backend, Estimate> estimates = CostModel.estimateAll(profile, workload, environment.cores(),
                environment.calibration(), semantics);
        Backend best = null;
        Backend runnerUp = null;
        for (Backend b : Backend.values()) {
            if (!eligible(b, profile)) {
                continue;
            }
            double m = estimates.get(b).makespan();
            if (best == null || m < estimates.get(best).makespan()) {
                runnerUp = best;
                best = b;
            } else if (runnerUp == null || m < estimates.get(runnerUp).makespan()) {
                runnerUp = b;
            }
        }
        Map<Backend, Duration> predicted = new EnumMap<>(Backend.class);
        estimates.forEach((b, e) -> predicted.put(b, Duration.ofNanos(Math.round(e.makespan()))));
        double confidence = confidence(estimates, best, runnerUp, environment.calibration().measured());
        return new Recommendation(best, semantics, predicted,
                Reasons.explain(profile, workload, environment, semantics, estimates, best, runnerUp), confidence);
    }

    /** Whether {@code backend} may run a task of {@code profile} at all, whatever it costs. */
    public static boolean eligible(Backend backend, Profile profile) {
        if (profile.needsIsolation()) {
            return backend == Backend.PROCESS_POOL;
        }
        return !(profile.sharesState() && backend == Backend.PROCESS_POOL);
    }

    /**
     * 0.5 when the runner-up is predicted as fast, towards 1 as it gets slower; 1 when only one backend is
     * eligible; scaled by 0.8 on an uncalibrated machine.
     */
    private static double confidence(Map<Backend, Estimate> estimates, Backend best, Backend runnerUp,
                                     boolean measured) {
        double c;
        if (runnerUp == null) {
            c = 1.0;
        } else {
            double ratio = estimates.get(best).makespan() / Math.max(1.0, estimates.get(runnerUp).makespan());
            c = 1.0 - 0.5 * Math.pow(Math.min(1.0, ratio), 3);
        }
        return measured ? c : 0.8 * c;
    }
}
