package io.stratagem.gil;

import io.stratagem.Strategy;
import io.stratagem.testkit.StrategyContractTest;

/** The contract kit on the GIL backend in PYTHON semantics: pool threads taking turns under the emulated GIL. */
class GilStrategyContractTest extends StrategyContractTest {
    @Override
    protected Strategy newStrategy(int parallelism) {
        return GilStrategy.builder().threads(parallelism).watchdog(true).build();
    }
}
