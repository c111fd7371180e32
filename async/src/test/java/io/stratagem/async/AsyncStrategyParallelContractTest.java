package io.stratagem.async;

import io.stratagem.Strategy;
import io.stratagem.testkit.StrategyContractTest;

/** The contract kit on {@link AsyncStrategy} in PARALLEL mode, the limit being the kit's parallelism. */
class AsyncStrategyParallelContractTest extends StrategyContractTest {
    @Override
    protected Strategy newStrategy(int parallelism) {
        return AsyncStrategy.builder().mode(AsyncStrategy.Mode.PARALLEL).concurrencyLimit(parallelism).build();
    }
}
