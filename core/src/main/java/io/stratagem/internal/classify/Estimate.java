package io.stratagem.internal.classify;

import io.stratagem.Backend;

import java.util.function.Supplier;

/**
 * One backend's predicted makespan for a workload, split into the parts the reasons talk about. All in nanoseconds.
 *
 * @param backend   the backend
 * @param makespan  predicted time from creating the strategy until the last task ends
 * @param compute   the part spent running the tasks' CPU and waits, as the backend overlaps them
 * @param overhead  per-task scheduling cost (hand-offs, GIL switches, virtual-thread starts)
 * @param transfer  serialization and pipe cost (process pool only)
 * @param startup   starting the backend (worker JVMs), zero when already running
 * @param parallel  how many tasks the backend runs at once for this workload
 * @param how       builds the sentence: formatting it costs microseconds, and auto placement estimates every backend
 *                  for each task it places without reading one
 */
public record Estimate(Backend backend, double makespan, double compute, double overhead, double transfer,
                       double startup, int parallel, Supplier<String> how) {

    /** One plain sentence saying how the backend would run the workload, with its numbers. */
    public String sentence() {
        return how.get();
    }

    @Override
    public String toString() {
        return backend + ": " + Units.time(makespan) + " (" + sentence() + ")";
    }
}
