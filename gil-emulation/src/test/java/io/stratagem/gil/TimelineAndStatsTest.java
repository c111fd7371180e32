package io.stratagem.gil;

import io.stratagem.gil.internal.sim.Simulation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timeline's exports and the stats snapshot, on exact simulated runs and a real lock. */
class TimelineAndStatsTest {

    private static GilTimeline twoCpuThreads() {
        Simulation sim = Simulation.builder().timeline(true).build();
        sim.thread("a", g -> g.cpu(Duration.ofMillis(20)));
        sim.thread("b", g -> g.cpu(Duration.ofMillis(20)));
        sim.run();
        return sim.timeline();
    }

    @Test
    void timeline_recordsHoldsWaitsHandoffsAndRequests() {
        GilTimeline t = twoCpuThreads();
        assertEquals(List.of("sim-a", "sim-b"), t.threads());
        long held = t.events().stream().filter(e -> e.kind() == GilTimeline.Kind.HOLD)
                .mapToLong(e -> e.endNanos() - e.startNanos()).sum();
        assertEquals(40_000_000, held, "the two threads held the lock for exactly their 40 ms of work");
        assertTrue(t.events().stream().anyMatch(e -> e.kind() == GilTimeline.Kind.HANDOFF));
        assertTrue(t.events().stream().anyMatch(e -> e.kind() == GilTimeline.Kind.REQUEST && !e.detail().isEmpty()));
        for (int i = 1; i < t.events().size(); i++) {
            assertTrue(t.events().get(i).startNanos() >= t.events().get(i - 1).startNanos(), "ordered by start");
        }
    }

    @Test
    void chromeTraceJson_hasOneTrackPerThreadAndOneSlicePerPeriod() {
        GilTimeline t = twoCpuThreads();
        String json = t.toChromeTraceJson();
        assertTrue(json.startsWith("{\"displayTimeUnit\":\"ms\",\"traceEvents\":["), json.substring(0, 60));
        assertTrue(json.endsWith("]}"));
        assertTrue(json.contains("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"sim-a\"}}"));
        long slices = json.split("\"ph\":\"X\"", -1).length - 1;
        long periods = t.events().stream().filter(e -> e.kind() != GilTimeline.Kind.REQUEST).count();
        assertEquals(periods, slices);
        assertEquals(json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count());
    }

    @Test
    void asciiStrip_drawsTheThreadsTakingTurns() {
        String strip = twoCpuThreads().toAsciiStrip(40);
        String[] lines = strip.split("\n");
        assertEquals(3, lines.length, strip);
        assertTrue(lines[0].startsWith("sim-a |#") && lines[1].startsWith("sim-b |."), strip);
        int both = 0;
        for (int c = 7; c < 47; c++) {
            both += lines[0].charAt(c) == '#' && lines[1].charAt(c) == '#' ? 1 : 0;
        }
        assertTrue(both <= 8, "both holding only in columns that straddle a switch (8 switches): " + strip);
        assertThrows(IllegalArgumentException.class, () -> twoCpuThreads().toAsciiStrip(5));
    }

    @Test
    void gcPauses_areMarkedOnTheTimeline() {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.builder().timeline(true).build()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                System.gc();
                return gil.timeline().events().stream().anyMatch(e -> e.kind() == GilTimeline.Kind.GC);
            });
            assertTrue(gil.timeline().toAsciiStrip(20).contains("GC"));
        }
    }

    @Test
    void stats_resetStartsAFreshWindow() {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.builder().timeline(true).build();
             GilThread g = gil.attach()) {
            g.sleep(Duration.ZERO);
            assertEquals(1, gil.stats().voluntaryDrops());
            gil.resetStats();
            GilStats s = gil.stats();
            assertEquals(0, s.voluntaryDrops());
            assertEquals(0, s.acquisitions());
            assertTrue(s.toString().contains("GIL GIL, interval PT0.005S"), s.toString());
        }
    }
}
