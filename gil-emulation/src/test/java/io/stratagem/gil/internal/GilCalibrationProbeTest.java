package io.stratagem.gil.internal;

import io.stratagem.Calibration;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GilCalibrationProbeTest {

    @Test
    void measure_reportsTheHandOffAndTheGilSwitch_underCalibrationsNames() throws Exception {
        Map<String, Double> m = new GilCalibrationProbe().measure(Duration.ofSeconds(2));
        assertEquals(Set.of("threadHandoffNanos", "gilSwitchNanos"), m.keySet());
        assertTrue(m.get("threadHandoffNanos") > 0, m::toString);
        assertTrue(m.get("gilSwitchNanos") >= 0, m::toString);
        Calibration c = Calibration.defaults().with(m); // names and ranges accepted
        assertEquals(m.get("threadHandoffNanos"), c.threadHandoffNanos());
    }

    @Test
    void aBudgetTooShortForTheGilRounds_stillMeasuresTheHandOff() throws Exception {
        Map<String, Double> m = new GilCalibrationProbe().measure(Duration.ofMillis(100));
        assertEquals(Set.of("threadHandoffNanos"), m.keySet());
        assertTrue(m.get("threadHandoffNanos") > 0, m::toString);
    }
}
