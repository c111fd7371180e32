package io.stratagem;

import java.util.Objects;

/**
 * How many tasks of one profile the caller will submit, and how they arrive. Immutable; validated at construction.
 *
 * @param tasks         how many tasks, in [1, {@value #MAX_TASKS}]
 * @param arrival       whether they are submitted together or one after another at a steady rate
 * @param ratePerSecond tasks per second for {@link Arrival#RATE}, in (0, {@value #MAX_RATE}]; must be 0 for
 *                      {@link Arrival#ALL_AT_ONCE}
 */
public record Workload(int tasks, Arrival arrival, double ratePerSecond) {

    /** Largest number of tasks a workload describes. */
    public static final int MAX_TASKS = 10_000_000;
    /** Largest arrival rate, tasks per second. */
    public static final double MAX_RATE = 1e9;

    /** How the tasks of a workload arrive. */
    public enum Arrival {
        /** All submitted at once (a batch, {@code Executor.map}). */
        ALL_AT_ONCE,
        /** Submitted one by one at {@code ratePerSecond} (a service handling requests). */
        RATE
    }

    public Workload {
        Objects.requireNonNull(arrival, "arrival");
        if (tasks < 1 || tasks > MAX_TASKS) {
            throw new IllegalArgumentException("tasks must be between 1 and " + MAX_TASKS + ", was " + tasks);
        }
        if (arrival == Arrival.RATE && !(ratePerSecond > 0 && ratePerSecond <= MAX_RATE)) {
            throw new IllegalArgumentException(
                    "ratePerSecond must be in (0, " + MAX_RATE + "] for RATE arrival, was " + ratePerSecond);
        }
        if (arrival == Arrival.ALL_AT_ONCE && ratePerSecond != 0) {
            throw new IllegalArgumentException(
                    "ratePerSecond must be 0 for ALL_AT_ONCE arrival, was " + ratePerSecond);
        }
    }

    /** {@code tasks} tasks submitted together. */
    public static Workload batch(int tasks) {
        return new Workload(tasks, Arrival.ALL_AT_ONCE, 0);
    }

    /** {@code tasks} tasks submitted one after another, {@code perSecond} per second. */
    public static Workload atRate(int tasks, double perSecond) {
        return new Workload(tasks, Arrival.RATE, perSecond);
    }
}
