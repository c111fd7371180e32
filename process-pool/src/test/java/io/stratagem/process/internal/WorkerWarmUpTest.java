package io.stratagem.process.internal;

import org.junit.jupiter.api.Test;

import java.lang.invoke.SerializedLambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The worker's warm-up swallows its own failures (it is only a warm-up), so a broken lambda round trip would silently
 * put the lambda machinery back on the path to the first result; this checks that the round trip really works.
 */
class WorkerWarmUpTest {

    @Test
    void theWarmUpLambdaSurvivesTheTaskCodecAndRuns() throws Exception {
        assertEquals(2, WorkerWarmUp.roundTripLambda());
    }

    /** The warm-up reads a lambda put together by hand; it must be exactly the one the JDK writes for the real one. */
    @Test
    void theHandMadeLambdaFormMatchesTheOneTheJdkWrites() {
        SerializedLambda made = WorkerWarmUp.taskShapedLambda();
        assertNotNull(made, "the implementation method of WorkerWarmUp.TaskShape.task was not found: the warm-up captures instead");
        SerializedLambda jdk = LambdaCodec.unwrap(WorkerWarmUp.TaskShape.task(1));
        assertNotNull(jdk);
        assertEquals(jdk.toString(), made.toString());
        assertEquals(jdk.getCapturingClass(), made.getCapturingClass());
        assertEquals(jdk.getFunctionalInterfaceMethodSignature(), made.getFunctionalInterfaceMethodSignature());
        assertEquals(jdk.getCapturedArgCount(), made.getCapturedArgCount());
        assertEquals(jdk.getCapturedArg(0), made.getCapturedArg(0));
    }
}
