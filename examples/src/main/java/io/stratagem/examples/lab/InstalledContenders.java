package io.stratagem.examples.lab;

import io.stratagem.AutoStrategy;
import io.stratagem.Backend;
import io.stratagem.Environment;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.gil.GilStrategy;
import io.stratagem.gil.GilTimeline;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contenders of the real lab: the installed backends, created with {@link Strategy#create} exactly as an
 * application would (the GIL threads backend under Python semantics with its timeline on, so the report can draw it),
 * and the classifier's {@link AutoStrategy}.
 */
final class InstalledContenders implements Contenders {

    /** Width of the text strip printed to the console. */
    static final int STRIP_WIDTH = 100;

    static boolean autoAvailable() {
        return true;
    }

    @Override
    public Strategy create(String backend, Semantics semantics, int parallelism) {
        if (backend.equals("AUTO")) {
            return AutoStrategy.create(semantics, Environment.measured());
        }
        StrategyOptions options = new StrategyOptions(semantics, parallelism, Map.of());
        if (backend.equals("GIL_THREADS") && semantics == Semantics.PYTHON) {
            options = options.with("gil.timeline", "true");
        }
        return Strategy.create(Backend.valueOf(backend), options);
    }

    @Override
    public void resetTimeline(Strategy strategy) {
        if (strategy instanceof GilStrategy gil) {
            gil.lock().resetStats();
        }
    }

    @Override
    public Optional<LockTimeline> timeline(Strategy strategy) {
        if (!(strategy instanceof GilStrategy gil)) {
            return Optional.empty();
        }
        GilTimeline t = gil.lock().timeline();
        List<LockTimeline.Event> events = t.events().stream()
                .filter(e -> e.kind() != GilTimeline.Kind.REQUEST) // instants: too small to draw
                .map(e -> new LockTimeline.Event(e.thread(), e.kind().name(), e.startNanos(), e.endNanos()))
                .toList();
        return Optional.of(new LockTimeline(events, t.events().isEmpty() ? "" : t.toAsciiStrip(STRIP_WIDTH),
                false));
    }
}
