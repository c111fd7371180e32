package io.stratagem.examples.lab;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;

import java.util.Map;

/** The contenders of the real lab: the installed backends, found with {@link Strategy#create}. */
final class InstalledContenders implements Contenders {

    static boolean autoAvailable() {
        return false;
    }

    @Override
    public Strategy create(String backend, Semantics semantics, int parallelism) {
        return Strategy.create(Backend.valueOf(backend), new StrategyOptions(semantics, parallelism, Map.of()));
    }
}
