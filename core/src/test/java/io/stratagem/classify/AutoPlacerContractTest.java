package io.stratagem.classify;

import io.stratagem.testkit.ReferenceStrategy;
import io.stratagem.Calibration;
import io.stratagem.Environment;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.internal.classify.AutoPlacer;
import io.stratagem.testkit.StrategyContractTest;

import java.util.Map;

/** The contract kit run against the auto strategy over fake backends. */
class AutoPlacerContractTest extends StrategyContractTest {
    @Override
    protected Strategy newStrategy(int parallelism) {
        Environment env = new Environment(parallelism, Calibration.defaults().with(Map.of("workerStartNanos", 1e6)));
        return new AutoPlacer(Semantics.JVM, env, b -> new ReferenceStrategy(b, Semantics.JVM, parallelism));
    }
}
