package io.stratagem.async;

import java.time.Duration;
import java.util.Objects;

/**
 * A callback or task step that held the loop (or, for {@link AsyncStrategy} in {@code LOOP} mode, the single running
 * permit) longer than the debug threshold: what asyncio's debug mode reports as "Executing ... took 0.105 seconds".
 * Immutable.
 *
 * @param name     the callback's or task's name
 * @param duration how long it ran without yielding
 * @param where    {@code "event-loop"} or {@code "async-strategy"}
 */
public record SlowStep(String name, Duration duration, String where) {
    public SlowStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(where, "where");
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0, was " + duration);
        }
    }
}
