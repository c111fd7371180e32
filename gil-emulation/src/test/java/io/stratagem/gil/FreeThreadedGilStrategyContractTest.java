package io.stratagem.gil;

import io.stratagem.Strategy;
import io.stratagem.testkit.StrategyContractTest;

/** The contract kit on the GIL backend in free-threaded mode (JVM semantics). */
class FreeThreadedGilStrategyContractTest extends StrategyContractTest {
    @Override
    protected Strategy newStrategy(int parallelism) {
        return GilStrategy.builder().mode(GlobalInterpreterLock.Mode.FREE_THREADED).threads(parallelism).build();
    }
}
