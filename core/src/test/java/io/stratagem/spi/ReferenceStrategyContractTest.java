package io.stratagem.spi;

import io.stratagem.Strategy;
import io.stratagem.testkit.ReferenceStrategy;
import io.stratagem.testkit.StrategyContractTest;

/** Proves the contract kit (and the shared lifecycle) on the reference backend. */
class ReferenceStrategyContractTest extends StrategyContractTest {
    @Override
    protected Strategy newStrategy(int parallelism) {
        return new ReferenceStrategy(parallelism);
    }
}
