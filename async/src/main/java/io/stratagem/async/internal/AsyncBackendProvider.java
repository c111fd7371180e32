package io.stratagem.async.internal;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.async.AsyncStrategy;
import io.stratagem.spi.BackendProvider;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@link Backend#ASYNC}: {@link Semantics#PYTHON} is {@code LOOP} mode, {@link Semantics#JVM} is {@code PARALLEL};
 * {@code parallelism} is the concurrency limit (0: none). Properties: {@code queueCapacity} (int),
 * {@code fullQueuePolicy} ({@code REJECT}/{@code BLOCK}), {@code debug} ({@code true}/{@code false}),
 * {@code slowStepThresholdMillis} (long).
 */
public final class AsyncBackendProvider implements BackendProvider {

    private static final Set<String> KEYS = Set.of("queueCapacity", "fullQueuePolicy", "debug", "slowStepThresholdMillis");

    @Override
    public Backend backend() {
        return Backend.ASYNC;
    }

    @Override
    public Strategy create(StrategyOptions options) {
        AsyncStrategy.Builder b = AsyncStrategy.builder()
                .mode(options.semantics() == Semantics.PYTHON ? AsyncStrategy.Mode.LOOP : AsyncStrategy.Mode.PARALLEL)
                .concurrencyLimit(options.parallelism());
        for (Map.Entry<String, String> e : options.properties().entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "queueCapacity" -> b.queueCapacity(parseInt(e.getKey(), v));
                case "fullQueuePolicy" -> {
                    try {
                        b.fullQueuePolicy(AsyncStrategy.FullQueuePolicy.valueOf(v));
                    } catch (IllegalArgumentException x) {
                        throw new IllegalArgumentException("property fullQueuePolicy must be REJECT or BLOCK, was '" + v + "'");
                    }
                }
                case "debug" -> {
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new IllegalArgumentException("property debug must be true or false, was '" + v + "'");
                    }
                    b.debug(Boolean.parseBoolean(v));
                }
                case "slowStepThresholdMillis" -> b.slowStepThreshold(Duration.ofMillis(parseInt(e.getKey(), v)));
                default -> throw new IllegalArgumentException("unknown property '" + e.getKey()
                        + "' for backend ASYNC; known: " + KEYS.stream().sorted().toList());
            }
        }
        return b.build();
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException x) {
            throw new IllegalArgumentException("property " + key + " must be an integer, was '" + v + "'");
        }
    }
}
