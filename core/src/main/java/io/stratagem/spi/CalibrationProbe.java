package io.stratagem.spi;

import io.stratagem.Backend;

import java.time.Duration;
import java.util.Map;

/**
 * What a backend module registers in {@code META-INF/services/io.stratagem.spi.CalibrationProbe} to measure its own
 * costs for the classifier ({@link io.stratagem.Environment#measured()}). Implementations need a public no-argument
 * constructor, must clean up everything they start, and must respect the budget.
 */
public interface CalibrationProbe {

    /** The backend whose costs this probe measures. */
    Backend backend();

    /**
     * Measures this backend's costs on this machine. Blocks for about {@code budget} at most.
     *
     * @param budget how long the probe may take
     * @return measured constants by their {@link io.stratagem.Calibration#asMap()} name, in that name's unit
     * @throws Exception if the measurement fails; the constants then keep their defaults
     */
    Map<String, Double> measure(Duration budget) throws Exception;
}
