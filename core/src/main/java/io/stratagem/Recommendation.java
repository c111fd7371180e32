package io.stratagem;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@link Classifier} recommends, and why. Immutable and thread-safe.
 *
 * @param backend           the recommended backend
 * @param semantics         the world the recommendation is for
 * @param predictedMakespan for every backend, the predicted time from creating a strategy to the last task's end
 *                          (backends that the profile rules out are still predicted, see {@code reasons})
 * @param reasons           plain sentences, with the numbers behind the choice
 * @param confidence        in [0, 1]: how clearly the recommended backend beats the runner-up, lowered when the
 *                          calibration is not measured
 */
public record Recommendation(Backend backend, Semantics semantics, Map<Backend, Duration> predictedMakespan,
                             List<String> reasons, double confidence) {

    public Recommendation {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(semantics, "semantics");
        Objects.requireNonNull(predictedMakespan, "predictedMakespan");
        if (!predictedMakespan.containsKey(backend)) {
            throw new IllegalArgumentException("predictedMakespan has no prediction for the recommended " + backend);
        }
        predictedMakespan = java.util.Collections.unmodifiableMap(new EnumMap<>(predictedMakespan));
        reasons = List.copyOf(reasons);
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be in [0, 1], was " + confidence);
        }
    }

    /** The predicted makespan of the recommended backend. */
    public Duration predicted() {
        return predictedMakespan.get(backend);
    }

    /** The reasons, one per line. */
    public String explain() {
        return backend + " (" + semantics + ", confidence " + String.format(java.util.Locale.ROOT, "%.2f", confidence)
                + "):\n  - " + String.join("\n  - ", reasons);
    }
}
