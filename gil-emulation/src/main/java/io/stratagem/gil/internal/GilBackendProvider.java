package io.stratagem.gil.internal;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.gil.GilStrategy;
import io.stratagem.gil.GlobalInterpreterLock.Mode;
import io.stratagem.spi.BackendProvider;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@link Backend#GIL_THREADS}: {@link Semantics#PYTHON} gives {@code GIL} mode, {@link Semantics#JVM} free threads;
 * {@code parallelism} is the thread count. Properties: {@code gil.switchIntervalMicros} (positive integer),
 * {@code gil.mode} ({@code GIL} or {@code LEGACY_TICKS} under PYTHON, {@code FREE_THREADED} under JVM),
 * {@code gil.forceSwitching}, {@code gil.watchdog}, {@code gil.timeline} ({@code true}/{@code false}).
 */
public final class GilBackendProvider implements BackendProvider {

    private static final Set<String> KEYS = Set.of("gil.switchIntervalMicros", "gil.mode", "gil.forceSwitching",
            "gil.watchdog", "gil.timeline");

    @Override
    public Backend backend() {
        return Backend.GIL_THREADS;
    }

    @Override
    public Strategy create(StrategyOptions options) {
        Map<String, String> p = options.properties();
        for (String k : p.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown property '" + k + "' for GIL_THREADS; known: "
                        + KEYS.stream().sorted().toList());
            }
        }
        Mode mode = options.semantics() == Semantics.PYTHON ? Mode.GIL : Mode.FREE_THREADED;
        if (p.containsKey("gil.mode")) {
            Mode asked;
            try {
                asked = Mode.valueOf(p.get("gil.mode"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gil.mode must be one of GIL, LEGACY_TICKS, FREE_THREADED, was '"
                        + p.get("gil.mode") + "'", e);
            }
            if ((asked == Mode.FREE_THREADED) != (options.semantics() == Semantics.JVM)) {
                throw new IllegalArgumentException("gil.mode " + asked + " contradicts semantics " + options.semantics()
                        + ": FREE_THREADED goes with JVM, GIL and LEGACY_TICKS with PYTHON");
            }
            mode = asked;
        }
        GilStrategy.Builder b = GilStrategy.builder().mode(mode);
        if (options.parallelism() > 0) {
            b.threads(options.parallelism());
        }
        if (p.containsKey("gil.switchIntervalMicros")) {
            String v = p.get("gil.switchIntervalMicros");
            long micros;
            try {
                micros = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("gil.switchIntervalMicros must be a positive integer, was '" + v + "'", e);
            }
            if (micros <= 0 || micros > 3_600_000_000L) {
                throw new IllegalArgumentException("gil.switchIntervalMicros must be in [1, 3600000000], was " + micros);
            }
            b.switchInterval(Duration.ofNanos(micros * 1_000));
        }
        b.forceSwitching(bool(p, "gil.forceSwitching", true));
        b.watchdog(bool(p, "gil.watchdog", false));
        b.timeline(bool(p, "gil.timeline", false));
        return b.build();
    }

    private static boolean bool(Map<String, String> p, String key, boolean dflt) {
        String v = p.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, was '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }
}
