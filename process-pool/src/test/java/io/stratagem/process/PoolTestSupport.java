package io.stratagem.process;

import io.stratagem.Strategy;
import io.stratagem.testkit.Gate;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the process pool's own test classes share: pools and gates opened by a test are closed after it, and closing
 * must leave no child process behind.
 */
abstract class PoolTestSupport {

    private final List<Strategy> pools = new ArrayList<>();
    private final List<Gate> gates = new ArrayList<>();

    /** Builds a pool that is shut down and closed after the test. */
    protected final Strategy pool(ProcessPoolStrategy.Builder b) {
        return closedAfterTheTest(b.build());
    }

    /** {@code s}, shut down and closed after the test. */
    protected final Strategy closedAfterTheTest(Strategy s) {
        pools.add(s);
        return s;
    }

    /** A gate deleted after the test. */
    protected final Gate gate() {
        Gate g = Gate.create();
        gates.add(g);
        return g;
    }

    @AfterEach
    void closePoolsAndGates() {
        pools.forEach(Strategy::shutdownNow);
        pools.forEach(Strategy::close);
        pools.clear();
        gates.forEach(Gate::delete);
        gates.clear();
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
                "close() leaves no child process");
    }
}
