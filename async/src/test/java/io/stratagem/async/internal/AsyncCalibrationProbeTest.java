package io.stratagem.async.internal;

import io.stratagem.Calibration;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsyncCalibrationProbeTest {

    @Test
    void measure_reportsEachModesPerTaskCost_underCalibrationsNames() throws Exception {
        Map<String, Double> m = new AsyncCalibrationProbe().measure(Duration.ofSeconds(2));
        assertEquals(Set.of("asyncLoopTaskNanos", "asyncParallelTaskNanos", "loopHandoffNanos"), m.keySet());
        m.values().forEach(v -> assertTrue(v >= 0, m::toString));
        assertTrue(m.get("asyncLoopTaskNanos") > 0, m::toString);
        assertTrue(m.get("asyncParallelTaskNanos") > 0, m::toString);
        Calibration c = Calibration.defaults().with(m); // names and ranges accepted
        assertEquals(m.get("asyncParallelTaskNanos"), c.asyncParallelTaskNanos());
    }

    @Test
    void aSpentBudget_stillTimesOneRoundPerMode_afterItsWarmUp() throws Exception {
        Map<String, Double> m = new AsyncCalibrationProbe().measure(Duration.ZERO);
        assertEquals(Set.of("asyncLoopTaskNanos", "asyncParallelTaskNanos"), m.keySet());
    }

    @Test
    void median_isTheMiddleValue_orTheMeanOfTheMiddleTwo() {
        assertEquals(3.0, AsyncCalibrationProbe.median(new double[] {9, 1, 3}));
        assertEquals(2.5, AsyncCalibrationProbe.median(new double[] {4, 1, 2, 3}));
        assertTrue(Double.isNaN(AsyncCalibrationProbe.median(new double[0])));
    }
}
