package io.stratagem;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileTest {

    @Test
    void factories_describeTheCommonCases() {
        Profile cpu = Profile.cpu(Duration.ofMillis(40));
        assertEquals(Duration.ofMillis(40), cpu.cpuTime());
        assertEquals(Duration.ZERO, cpu.waitTime());
        assertEquals(1.0, cpu.cpuShare());

        Profile io = Profile.io(Duration.ofMillis(100));
        assertEquals(0.0, io.cpuShare());

        Profile mixed = Profile.mixed(Duration.ofMillis(10), Duration.ofMillis(30)).withPayload(1024, 2048).isolated();
        assertEquals(0.25, mixed.cpuShare());
        assertEquals(1024, mixed.inputBytes());
        assertEquals(2048, mixed.outputBytes());
        assertTrue(mixed.needsIsolation());
        assertEquals(0.0, Profile.cpu(Duration.ZERO).cpuShare(), "an empty profile has no CPU share");
    }

    @Test
    void negativeDuration_isRejectedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Profile.cpu(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().startsWith("cpuTime must be between 0 and 24 h"), e.getMessage());
    }

    @Test
    void absurdDuration_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Profile.io(Duration.ofDays(2)));
        assertTrue(e.getMessage().startsWith("waitTime"), e.getMessage());
    }

    @Test
    void payloadOutOfRange_isRejectedNamingTheField() {
        Profile p = Profile.cpu(Duration.ofMillis(1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> p.withPayload(-1, 0))
                .getMessage().startsWith("inputBytes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> p.withPayload(0, Profile.MAX_PAYLOAD_BYTES + 1))
                .getMessage().startsWith("outputBytes"));
    }

    @Test
    void isolationAndSharedState_contradictEachOther() {
        Profile p = Profile.cpu(Duration.ofMillis(1)).isolated();
        assertThrows(IllegalArgumentException.class, p::sharingState);
    }

    @Test
    void nullDuration_isRejected() {
        assertThrows(NullPointerException.class, () -> Profile.cpu(null));
    }

    @Property(tries = 200)
    void anyInRangeProfile_isAccepted_andItsShareIsAFraction(
            @ForAll @LongRange(min = 0, max = 86_400_000) long cpuMs,
            @ForAll @LongRange(min = 0, max = 86_400_000) long waitMs,
            @ForAll @LongRange(min = 0, max = 16L << 30) long bytes) {
        Profile p = Profile.mixed(Duration.ofMillis(cpuMs), Duration.ofMillis(waitMs)).withPayload(bytes, bytes);
        assertTrue(p.cpuShare() >= 0 && p.cpuShare() <= 1);
    }

    @Property(tries = 100)
    void anyNegativeCpu_isRejected(@ForAll @LongRange(min = Long.MIN_VALUE / 2_000_000, max = -1) long cpuMs) {
        assertThrows(IllegalArgumentException.class, () -> Profile.cpu(Duration.ofMillis(cpuMs)));
    }
}
