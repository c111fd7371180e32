package io.stratagem.spi;

import io.stratagem.Backend;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;

/**
 * What a backend module registers in {@code META-INF/services/io.stratagem.spi.BackendProvider} so that
 * {@link Strategy#create(Backend, StrategyOptions)} finds it. Implementations must have a public no-argument
 * constructor and be thread-safe.
 */
public interface BackendProvider {

    /** The backend this provider creates. */
    Backend backend();

    /**
     * A new strategy configured from {@code options}.
     *
     * @throws IllegalArgumentException naming the option, its value and the accepted range, if one is invalid
     */
    Strategy create(StrategyOptions options);
}
