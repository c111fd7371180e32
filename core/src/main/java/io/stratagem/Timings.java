package io.stratagem;

import java.time.Duration;
import java.util.Optional;

/**
 * How long a task waited and ran, as measured by its backend. Immutable.
 *
 * @param queueWait time from {@code submit} until the task started (or until now / its end, if it never started)
 * @param runTime   time from start to end (or to now, if still running); zero if it never started
 * @param cpuTime   CPU time of the task's thread while it ran, where the backend can measure it
 */
public record Timings(Duration queueWait, Duration runTime, Optional<Duration> cpuTime) {
    public Timings {
        if (queueWait == null || queueWait.isNegative()) {
            throw new IllegalArgumentException("queueWait must be >= 0, was " + queueWait);
        }
        if (runTime == null || runTime.isNegative()) {
            throw new IllegalArgumentException("runTime must be >= 0, was " + runTime);
        }
        if (cpuTime == null) {
            throw new IllegalArgumentException("cpuTime must not be null (use Optional.empty())");
        }
    }
}
