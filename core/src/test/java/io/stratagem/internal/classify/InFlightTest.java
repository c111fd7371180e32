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

    @Test
    void withNoCandidate_thereIsNoChoice() {
        InFlight f = new InFlight(Semantics.PYTHON, ENV);
        assertEquals(null, f.choose(SHORT_CPU, 0, EnumSet.noneOf(Backend.class)));
    }
}
