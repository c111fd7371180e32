package io.stratagem.classify;

import io.stratagem.Backend;
import io.stratagem.Calibration;
import io.stratagem.Environment;
import io.stratagem.internal.classify.Calibrator;
import io.stratagem.spi.CalibrationProbe;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calibration measures what it can, takes what probes report, and keeps the defaults for whatever fails. */
class CalibratorTest {

    private static final Calibration D = Calibration.defaults();

    private static CalibrationProbe probe(Backend b, ProbeBody body) {
        return new CalibrationProbe() {
            @Override
            public Backend backend() {
                return b;
            }

            @Override
            public Map<String, Double> measure(Duration budget) throws Exception {
                return body.measure(budget);
            }
        };
    }

    interface ProbeBody {
        Map<String, Double> measure(Duration budget) throws Exception;
    }

    @Test
    void measure_takesTheProbesValues_andMeasuresTheCoreConstants() {
        Calibration c = Calibrator.measure(Duration.ofSeconds(2), List.of(
                probe(Backend.PROCESS_POOL, b -> Map.of("workerStartNanos", 123e6, "pipeRoundTripNanos", 77e3))));
        assertTrue(c.measured());
        assertEquals(123e6, c.workerStartNanos());
        assertEquals(77e3, c.pipeRoundTripNanos());
        assertTrue(c.threadHandoffNanos() > 0 && c.threadHandoffNanos() < 10e6, c.toString());
        assertTrue(c.virtualThreadStartNanos() > 0 && c.virtualThreadStartNanos() < 10e6, c.toString());
        assertTrue(c.serializationBytesPerSecond() > 1e6, c.toString());
        assertEquals(D.gilSwitchIntervalNanos(), c.gilSwitchIntervalNanos());
    }

    @Test
    void aFailingProbe_keepsItsDefaults_andTheOthersStillCount() {
        Calibration c = Calibrator.measure(Duration.ofSeconds(2), List.of(
                probe(Backend.GIL_THREADS, b -> {
                    throw new IllegalStateException("no GIL today");
                }),
                probe(Backend.ASYNC, b -> Map.of("asyncLoopTaskNanos", 4e3, "asyncParallelTaskNanos", 2e3))));
        assertEquals(D.gilSwitchNanos(), c.gilSwitchNanos());
        assertEquals(4e3, c.asyncLoopTaskNanos());
        assertEquals(2e3, c.asyncParallelTaskNanos());
    }

    @Test
    void aProbeReportingNonsense_isIgnoredWhole() {
        Calibration c = Calibrator.measure(Duration.ofSeconds(2), List.of(
                probe(Backend.PROCESS_POOL, b -> Map.of("workerStartNanos", 5e6, "bogusNanos", 1.0)),
                probe(Backend.GIL_THREADS, b -> Map.of("gilSwitchNanos", -5.0))));
        assertEquals(D.workerStartNanos(), c.workerStartNanos());
        assertEquals(D.gilSwitchNanos(), c.gilSwitchNanos());
    }

    @Test
    void aProbeThatOverrunsItsBudget_isAbandonedAndInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        Calibration c = Calibrator.measure(Duration.ofMillis(600), List.of(probe(Backend.PROCESS_POOL, b -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return Map.of("workerStartNanos", 1e6);
        })));
        assertEquals(D.workerStartNanos(), c.workerStartNanos());
        interrupted.await();
    }

    @Test
    void environmentMeasured_isMeasuredOnceAndCached() {
        Environment a = Environment.measured();
        Environment b = Environment.measured();
        assertSame(a.calibration(), b.calibration());
        assertTrue(a.calibration().measured());
        assertEquals(Runtime.getRuntime().availableProcessors(), a.cores());
    }
}
