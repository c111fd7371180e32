package io.stratagem;

import java.util.Map;
import java.util.Objects;

/**
 * Backend-neutral options for {@link Strategy#create(Backend, StrategyOptions)}. Immutable.
 *
 * @param semantics   which world to model ({@link Semantics#PYTHON} or {@link Semantics#JVM})
 * @param parallelism how many tasks may run at once (threads, concurrent tasks, or worker processes);
 *                    0 for the backend's default
 * @param properties  backend-specific settings by name; each backend documents the names it reads and rejects
 *                    unknown ones
 */
public record StrategyOptions(Semantics semantics, int parallelism, Map<String, String> properties) {

    /** Largest parallelism accepted. */
    public static final int MAX_PARALLELISM = 10_000;

    public StrategyOptions {
        Objects.requireNonNull(semantics, "semantics");
        if (parallelism < 0 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException(
                    "parallelism must be between 0 (backend default) and " + MAX_PARALLELISM + ", was " + parallelism);
        }
        properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
    }

    /** The defaults: {@link Semantics#JVM}, the backend's default parallelism, no properties. */
    public static StrategyOptions defaults() {
        return new StrategyOptions(Semantics.JVM, 0, Map.of());
    }

    /** These options with another semantics. */
    public StrategyOptions withSemantics(Semantics s) {
        return new StrategyOptions(s, parallelism, properties);
    }

    /** These options with another parallelism (0 for the backend default). */
    public StrategyOptions withParallelism(int p) {
        return new StrategyOptions(semantics, p, properties);
    }

    /** These options with one more property. */
    public StrategyOptions with(String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(properties);
        m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new StrategyOptions(semantics, parallelism, m);
    }
}
