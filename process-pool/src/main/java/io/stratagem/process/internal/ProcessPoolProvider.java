package io.stratagem.process.internal;

import io.stratagem.Backend;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.process.ProcessPoolStrategy;
import io.stratagem.spi.BackendProvider;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link Backend#PROCESS_POOL} for {@code Strategy.create}: {@code parallelism} is the worker count; properties:
 * {@code heap} (e.g. 512m), {@code jvmOptions} (space-separated), {@code start} (eager|lazy), {@code inFlightPerWorker},
 * {@code queueCapacity}, {@code queuePolicy} (BLOCK|REJECT), {@code maxTasksPerWorker}, {@code idleTimeoutMillis},
 * {@code cancelGraceMillis}, {@code allowClasses} (comma-separated patterns).
 */
public final class ProcessPoolProvider implements BackendProvider {

    private static final Set<String> KEYS = new TreeSet<>(Set.of("heap", "jvmOptions", "start", "inFlightPerWorker",
            "queueCapacity", "queuePolicy", "maxTasksPerWorker", "idleTimeoutMillis", "cancelGraceMillis", "allowClasses"));

    @Override
    public Backend backend() {
        return Backend.PROCESS_POOL;
    }

    @Override
    public Strategy create(StrategyOptions options) {
        ProcessPoolStrategy.Builder b = ProcessPoolStrategy.builder().semantics(options.semantics());
        if (options.parallelism() > 0) {
            b.workers(options.parallelism());
        }
        int capacity = 100_000;
        ProcessPoolStrategy.QueuePolicy policy = ProcessPoolStrategy.QueuePolicy.BLOCK;
        for (Map.Entry<String, String> e : options.properties().entrySet()) {
            String v = e.getValue().trim();
            switch (e.getKey()) {
                case "heap" -> b.heap(v);
                case "jvmOptions" -> b.jvmOptions(v.isEmpty() ? new String[0] : v.split("\\s+"));
                case "start" -> b.eager(switch (v) {
                    case "eager" -> true;
                    case "lazy" -> false;
                    default -> throw new IllegalArgumentException("property start must be eager or lazy, was '" + v + "'");
                });
                case "inFlightPerWorker" -> b.inFlightPerWorker(integer(e));
                case "queueCapacity" -> capacity = integer(e);
                case "queuePolicy" -> {
                    try {
                        policy = ProcessPoolStrategy.QueuePolicy.valueOf(v);
                    } catch (IllegalArgumentException x) {
                        throw new IllegalArgumentException("property queuePolicy must be BLOCK or REJECT, was '" + v + "'");
                    }
                }
                case "maxTasksPerWorker" -> b.maxTasksPerWorker(integer(e));
                case "idleTimeoutMillis" -> b.idleTimeout(Duration.ofMillis(integer(e)));
                case "cancelGraceMillis" -> b.cancelGrace(Duration.ofMillis(integer(e)));
                case "allowClasses" -> b.allowClasses(v.split("\\s*,\\s*"));
                default -> throw new IllegalArgumentException("unknown property '" + e.getKey()
                        + "' for the process pool; known: " + KEYS);
            }
        }
        return b.queue(capacity, policy).build();
    }

    private static int integer(Map.Entry<String, String> e) {
        try {
            return Integer.parseInt(e.getValue().trim());
        } catch (NumberFormatException x) {
            throw new IllegalArgumentException("property " + e.getKey() + " must be an integer, was '" + e.getValue() + "'");
        }
    }
}
