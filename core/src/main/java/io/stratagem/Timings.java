package io.stratagem;

import java.time.Duration;
import java.util.Optional;

/**
 * How long a task waited and ran, as measured by its backend. Immutable.
 *
 * @param queueWait time from {@code submit} until the task started (or until now / its end, if it never started)
 * @param runTime   time from start to end (or to now, if still running); zero if it never started
 * @param cpuTime   CPU time of the task's thread while it ran, where the backend can measure it
 * @param submittedNanos {@link System#nanoTime()} of the submitting JVM when the task was submitted: with
 *                  {@code queueWait} and {@code runTime} it places the run on the caller's clock, e.g. to count how
 *                  many tasks ran at once or to draw a timeline (see {@link #startedNanos()}, {@link #endedNanos()})
 */
public record Timings(Duration queueWait, Duration runTime, Optional<Duration> cpuTime, long submittedNanos) {
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

    /** When the task started (or, if it never started, stopped waiting), on the submitting JVM's nanoTime clock. */
    public long startedNanos() {
        return submittedNanos + queueWait.toNanos();
    }

    /** When the task ended (or now, if still running), on the submitting JVM's nanoTime clock. */
    public long endedNanos() {
        return startedNanos() + runTime.toNanos();
    }
}
