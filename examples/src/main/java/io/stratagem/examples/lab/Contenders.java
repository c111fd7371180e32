package io.stratagem.examples.lab;

import io.stratagem.Semantics;
import io.stratagem.Strategy;

import java.util.Optional;

/**
 * How the lab creates the strategy for a contender, and reads the GIL timeline of a thread run. The backends and the
 * classifier are separate modules; keeping them behind this interface lets the lab's runner and reports be tested with
 * an in-test strategy.
 */
public interface Contenders {

    /**
     * A new strategy for {@code backend} ({@code GIL_THREADS}, {@code ASYNC}, {@code PROCESS_POOL} or {@code AUTO})
     * under {@code semantics}; the caller closes it.
     *
     * @param parallelism 0 for the backend's default
     * @throws IllegalArgumentException if the backend name is unknown
     */
    Strategy create(String backend, Semantics semantics, int parallelism);

    /** Forgets the timeline recorded so far by {@code strategy}'s lock, if it has one. */
    default void resetTimeline(Strategy strategy) {
    }

    /** The GIL timeline recorded by {@code strategy} since the last reset, if it has an emulated lock. */
    default Optional<LockTimeline> timeline(Strategy strategy) {
        return Optional.empty();
    }
}
