package io.stratagem.classify;

import io.stratagem.Backend;
import io.stratagem.Calibration;
import io.stratagem.Environment;
import io.stratagem.Recommendation;
import io.stratagem.Semantics;
import io.stratagem.Workload;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classifier's value types reject bad input where it is made, naming the field. */
class ValuesTest {

    @Test
    void workload_outOfRange_isRejectedNamingTheField() {
        assertMessage("tasks", () -> Workload.batch(0));
        assertMessage("tasks", () -> Workload.batch(Workload.MAX_TASKS + 1));
        assertMessage("ratePerSecond", () -> Workload.atRate(10, 0));
        assertMessage("ratePerSecond", () -> Workload.atRate(10, Double.NaN));
        assertMessage("ratePerSecond", () -> new Workload(10, Workload.Arrival.ALL_AT_ONCE, 5));
        assertThrows(NullPointerException.class, () -> new Workload(1, null, 0));
        assertEquals(Workload.Arrival.RATE, Workload.atRate(3, 2.5).arrival());
    }

    @Test
    void environment_outOfRange_isRejectedNamingTheField() {
        assertMessage("cores", () -> new Environment(0, Calibration.defaults()));
        assertThrows(NullPointerException.class, () -> new Environment(2, null));
        assertEquals(Runtime.getRuntime().availableProcessors(), Environment.defaults().cores());
        assertFalse(Environment.defaults().calibration().measured());
    }

    @Test
    void calibration_badConstant_isRejectedNamingIt() {
        assertMessage("pipeRoundTripNanos", () -> Calibration.defaults().with(Map.of("pipeRoundTripNanos", -1.0)));
        assertMessage("pipeBytesPerSecond", () -> Calibration.defaults().with(Map.of("pipeBytesPerSecond", 0.0)));
        assertMessage("gilSwitchNanos", () -> Calibration.defaults().with(Map.of("gilSwitchNanos", Double.NaN)));
        assertMessage("nosuchNanos", () -> Calibration.defaults().with(Map.of("nosuchNanos", 1.0)));
    }

    @Test
    void calibration_with_replacesOnlyTheNamedConstantsAndMarksMeasured() {
        Calibration c = Calibration.defaults().with(Map.of("workerStartNanos", 123e6));
        assertEquals(123e6, c.workerStartNanos());
        assertEquals(Calibration.defaults().pipeRoundTripNanos(), c.pipeRoundTripNanos());
        assertTrue(c.measured());
        assertFalse(Calibration.defaults().with(Map.of()).measured());
        assertEquals(16, c.asMap().size());
    }

    @Test
    void recommendation_mustPredictItsOwnBackendAndHaveAConfidenceInRange() {
        Map<Backend, Duration> only = Map.of(Backend.ASYNC, Duration.ofSeconds(1));
        assertMessage("predictedMakespan",
                () -> new Recommendation(Backend.GIL_THREADS, Semantics.JVM, only, List.of(), 0.5));
        assertMessage("confidence", () -> new Recommendation(Backend.ASYNC, Semantics.JVM, only, List.of(), 1.5));
    }

    private static void assertMessage(String field, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(field), () -> "message should name " + field + ": " + x.getMessage());
    }
}
