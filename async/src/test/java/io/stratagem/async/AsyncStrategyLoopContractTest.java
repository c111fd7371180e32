package io.stratagem.async;

import io.stratagem.Strategy;
import io.stratagem.testkit.StrategyContractTest;

/** The contract kit on {@link AsyncStrategy} in LOOP mode (one task runs at a time), limit = the kit's parallelism. */
class AsyncStrategyLoopContractTest extends StrategyContractTest {
    @Override
    protected Strategy newStrategy(int parallelism) {
        return AsyncStrategy.builder().mode(AsyncStrategy.Mode.LOOP).concurrencyLimit(parallelism).build();
    }
}
