package io.stratagem.process.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The worker's warm-up swallows its own failures (it is only a warm-up), so a broken lambda round trip would silently
 * put the lambda machinery back on the path to the first result; this checks that the round trip really works.
 */
class WorkerWarmUpTest {

    @Test
    void theWarmUpLambdaSurvivesTheTaskCodecAndRuns() throws Exception {
        assertEquals(2, WorkerWarmUp.roundTripLambda());
    }
}
