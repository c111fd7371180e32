package io.stratagem.internal.classify;

import io.stratagem.Backend;
import io.stratagem.Calibration;
import io.stratagem.Environment;
import io.stratagem.Profile;
import io.stratagem.Semantics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InFlightTest {

    private static final Environment ENV = new Environment(2, Calibration.defaults());
    private static final Profile LONG_WAIT = Profile.io(Duration.ofSeconds(1));
    private static final Profile SHORT_CPU = Profile.cpu(Duration.ofMillis(1));

    @Test
    void theLongestRunInFlight_boundsTheMakespan_untilThatRunEnds_evenWhileOthersStay() {
        InFlight f = new InFlight(Semantics.JVM, ENV);
        f.started(Backend.ASYNC, System.nanoTime());
        f.add(Backend.ASYNC, LONG_WAIT, +1);
        f.add(Backend.ASYNC, SHORT_CPU, +1);
        InFlight.Choice busy = f.choose(SHORT_CPU, 1, EnumSet.of(Backend.ASYNC));
        assertTrue(busy.makespan() >= 1e9, () -> "a 1 s wait is in flight: " + busy);

        f.add(Backend.ASYNC, LONG_WAIT, -1); // the long run ends; the short one is still in flight
        InFlight.Choice after = f.choose(SHORT_CPU, 1, EnumSet.of(Backend.ASYNC));
        assertTrue(after.makespan() < 0.1e9, () -> "only 1 ms runs are in flight: " + after);
    }

    /**
     * AutoMix under PYTHON: heavy CPU held the GIL threads, light tasks gathered on the loop, and once the loop ran 88 of
     * them the process pool, not yet started, tied on the makespan (the GIL bounded it) and won the tie as the faster
     * way to run the light kind alone, so a pool was started for light tasks while both cores were already busy.
     */
    @Test
    void aTie_neverStartsABackend_besideOnesThatRun() {
        Environment measured = new Environment(2, Calibration.defaults().with(java.util.Map.of(
                "workerStartNanos", 69_000_000.0, "pipeRoundTripNanos", 48_000.0)));
        InFlight f = new InFlight(Semantics.PYTHON, measured);
        long now = System.nanoTime();
        f.started(Backend.GIL_THREADS, now);
        f.started(Backend.ASYNC, now);
        Profile heavy = Profile.cpu(Duration.ofMillis(100));
        Profile light = Profile.cpu(Duration.ofMillis(2));
        for (int i = 0; i < 12; i++) {
            f.add(Backend.GIL_THREADS, heavy, +1);
        }
        for (int i = 0; i < 88; i++) {
            f.add(Backend.ASYNC, light, +1);
        }
        InFlight.Choice c = f.choose(light, 88, EnumSet.allOf(Backend.class));
        assertEquals(Backend.ASYNC, c.backend(), c::toString);
    }

    @Test
    void withNoCandidate_thereIsNoChoice() {
        InFlight f = new InFlight(Semantics.PYTHON, ENV);
        assertEquals(null, f.choose(SHORT_CPU, 0, EnumSet.noneOf(Backend.class)));
    }
}
