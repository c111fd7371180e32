package io.stratagem.examples.lab;

import io.stratagem.Semantics;

import java.util.Comparator;
import java.util.List;

/**
 * Everything measured for one contender (a backend, or the auto strategy) under one semantics.
 *
 * @param backend      the backend's name ({@code GIL_THREADS}, {@code ASYNC}, {@code PROCESS_POOL}, or {@code AUTO})
 * @param semantics    the semantics it ran under
 * @param startupMs    time to create the strategy and run the warm-up tasks (starting worker JVMs included)
 * @param sharesMemory whether tasks saw the caller's objects themselves (not copies)
 * @param repetitions  one measurement per repetition, in run order
 */
public record BackendResult(String backend, Semantics semantics, double startupMs, boolean sharesMemory,
                            List<Measurement> repetitions) {

    public BackendResult {
        repetitions = List.copyOf(repetitions);
        if (repetitions.isEmpty()) {
            throw new IllegalArgumentException("a result needs at least one repetition");
        }
    }

    /** The repetition with the median makespan (the lower middle one for an even count): the one reported. */
    public Measurement median() {
        List<Measurement> sorted = repetitions.stream()
                .sorted(Comparator.comparingDouble(Measurement::makespanMs)).toList();
        return sorted.get((sorted.size() - 1) / 2);
    }
}
