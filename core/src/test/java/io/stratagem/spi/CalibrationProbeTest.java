package io.stratagem.spi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibrationProbeTest {

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void awaitCompilerIdle_returnsEarly_andKeepsTheInterruptStatus_whenInterrupted() {
        Thread.currentThread().interrupt();
        long waited = CalibrationProbe.awaitCompilerIdle(Duration.ofSeconds(30), Duration.ofSeconds(60));
        assertTrue(Thread.currentThread().isInterrupted());
        assertTrue(waited < Duration.ofSeconds(30).toNanos(), () -> "waited " + waited + " ns");
    }

    @Test
    void awaitCompilerIdle_neverWaitsWhenNoWaitIsAllowed() {
        long waited = CalibrationProbe.awaitCompilerIdle(Duration.ofSeconds(30), Duration.ZERO);
        assertTrue(waited < Duration.ofSeconds(30).toNanos(), () -> "waited " + waited + " ns");
    }

    @Test
    void awaitCompilerIdle_returnsOnceTheCompilerIsQuiet_orAtItsLimit() {
        // quiet for 20 ms or 5 s at most: either way it returns, having waited at least the quiet time
        long waited = CalibrationProbe.awaitCompilerIdle(Duration.ofMillis(20), Duration.ofSeconds(5));
        assertTrue(waited >= Duration.ofMillis(20).toNanos(), () -> "waited " + waited + " ns");
    }
}
