package io.stratagem.process;

import io.stratagem.Strategy;
import io.stratagem.testkit.StrategyContractTest;

/** The contract kit on the process pool: every kit task runs in a worker JVM. */
class ProcessPoolStrategyContractTest extends StrategyContractTest {
    @Override
    protected Strategy newStrategy(int parallelism) {
        return ProcessPoolStrategy.builder().workers(parallelism).build();
    }
}
