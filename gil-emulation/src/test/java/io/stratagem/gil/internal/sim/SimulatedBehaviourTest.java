package io.stratagem.gil.internal.sim;

import io.stratagem.gil.GilStats;
import io.stratagem.gil.GilTimeline;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behaviours B2-B10 and B17-B19 of the GIL model, exact, in the deterministic simulator (10 µs wake latency, no timer
 * slack, checkpoints every 1 µs of work unless stated). The numbers follow from the protocol: a forced run lasts one
 * interval I from the moment its waiter started waiting, which is one wake latency L after the previous switch.
 */
class SimulatedBehaviourTest {

    private static final long I = 5_000_000;
    private static final long L = 10_000;

    private static Duration ms(long m) {
        return Duration.ofMillis(m);
    }

    private static List<Long> holds(GilTimeline t) {
        return t.events().stream().filter(e -> e.kind() == GilTimeline.Kind.HOLD)
                .map(e -> e.endNanos() - e.startNanos()).toList();
    }

    @Test
    void b2_twoCpuThreads_alternateInRunsOfOneIntervalAndCostTheSerialSum() {
        Simulation sim = Simulation.builder().timeline(true).build();
        sim.thread("a", g -> g.cpu(ms(100)));
        sim.thread("b", g -> g.cpu(ms(100)));
        GilStats s = sim.run();

        assertEquals(38, s.forcedDrops());
        assertEquals(s.forcedDrops(), s.dropRequests(), "B19: one request per forced drop");
        assertEquals(0, s.handoffTimeouts());
        List<Long> holds = holds(sim.timeline());
        assertEquals(I, holds.get(0), "the first run lasts exactly one interval: b waited from time 0");
        // every later forced run: I after its waiter began waiting, which was L after the switch
        assertTrue(holds.subList(1, holds.size() - 2).stream().allMatch(h -> h == I + L), holds::toString);
        // the lock idles one wake latency per switch; otherwise the wall time is the serial sum
        assertEquals(200_000_000 + (s.switches() - 1) * L, sim.now());
        for (GilStats.ThreadStats t : s.threads()) {
            assertEquals(100_000_000, t.holdNanos(), t.name() + " held exactly its own CPU time");
        }
        assertEquals(1.0, s.utilisation(), 0.01);
    }

    @Test
    void b3_fourCpuThreads_takeTurnsAtTheSameSwitchRate() {
        Simulation sim = Simulation.builder().timeline(true).build();
        for (int i = 0; i < 4; i++) {
            sim.thread("t" + i, g -> g.cpu(ms(50)));
        }
        GilStats s = sim.run();

        assertEquals(s.forcedDrops(), s.dropRequests(), "B19");
        List<Long> holds = holds(sim.timeline());
        assertTrue(holds.subList(1, holds.size() - 4).stream().allMatch(h -> h == I + L), holds::toString);
        assertEquals(200.0, s.switchesPerSecond(), 1.0, "about 1/I whatever N is");
        for (GilStats.ThreadStats t : s.threads()) {
            assertEquals(10, t.acquisitions(), t.name() + ": round robin, every thread progresses");
        }
    }

    @Test
    void b4_runLengthFollowsTheIntervalAndOverheadGrowsAsItShrinks() {
        long[] intervals = {5_000_000, 1_000_000, 100_000, 10_000};
        double previous = 0;
        for (long iv : intervals) {
            Simulation sim = Simulation.builder().interval(Duration.ofNanos(iv)).timeline(true).build();
            sim.thread("a", g -> g.cpu(ms(50)));
            sim.thread("b", g -> g.cpu(ms(50)));
            GilStats s = sim.run();
            List<Long> holds = holds(sim.timeline());
            assertTrue(holds.subList(1, holds.size() - 2).stream().allMatch(h -> h == iv + L),
                    () -> iv + ": " + holds);
            double overhead = sim.now() / 100_000_000.0 - 1;
            assertEquals((s.switches() - 1) * L / 100_000_000.0, overhead, 1e-9);
            assertTrue(overhead > previous, "overhead grows as the interval shrinks");
            previous = overhead;
        }
    }

    @Test
    void b5_b6_blockingCallsAgainstCpuThreads_waitAboutOneIntervalEach() {
        for (long block : new long[]{50_000, 200_000, 1_000_000}) {
            GilStats s = ioAgainst(1, block, 100);
            assertEquals(1.0, s.convoyScore(), 0.011, "B5: about every return waits an interval, block " + block);
            assertTrue(s.waitAfterReleasing().p50() >= I && s.waitAfterReleasing().p50() <= I + L + 1_000 + I / 50,
                    () -> "" + s.waitAfterReleasing());
        }
        GilStats one = ioAgainst(1, 200_000, 100);
        GilStats two = ioAgainst(2, 200_000, 100);
        // B6: with k CPU threads and no fairness (a random waiter wins each drop) a return pays about k intervals
        assertEquals(I, one.waitAfterReleasing().mean(), L + 1_000);
        assertEquals(2.0 * I, two.waitAfterReleasing().mean(), 0.25 * I, () -> "B6 " + two.waitAfterReleasing());
    }

    private static GilStats ioAgainst(int cpuThreads, long blockNanos, int calls) {
        Simulation sim = Simulation.builder().randomWakeOrder(7).build();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        sim.thread("io", 1_000, g -> {
            for (int i = 0; i < calls; i++) {
                Echo.call(g, () -> sim.block(blockNanos));
                g.cpu(Duration.ofNanos(1_000));
            }
            done.set(true);
        });
        for (int i = 0; i < cpuThreads; i++) {
            sim.thread("cpu" + i, g -> {
                while (!done.get()) {
                    g.cpu(Duration.ofNanos(1_000));
                }
            });
        }
        return sim.run();
    }

    @Test
    void b7_nonBlockingCalls_reTakeBeforeTheWaiterWakes() {
        GilStats s = ioAgainst(1, 1_000, 2_000);
        assertEquals(0, s.waitAfterReleasing().p50());
        assertEquals(0, s.waitAfterReleasing().p99());
        GilStats.ThreadStats cpu = s.threads().stream().filter(t -> t.name().endsWith("cpu0")).findFirst().orElseThrow();
        assertEquals(0, cpu.requests(), "the CPU thread's timer restarts on every lost race: it never asks");
        assertEquals(1, s.dropRequests(), "only the I/O thread's first attach had to ask");
        // one wake-up per wake latency: 2,000 calls of 2 us each, a 10 us latency -> about 400 lost races
        assertTrue(s.lostRaces() >= 390 && s.lostRaces() <= 400, () -> "lost races " + s.lostRaces());
    }

    @Test
    void b8_b10_echoConvoy_collapsesWithOneCpuThreadAndScalesWithOneOverTheInterval() {
        double alone = Echo.run(Simulation.builder(), 0, 1).tripsPerSecond();
        Echo.Result one = Echo.run(Simulation.builder(), 1, 1);
        assertTrue(alone / one.tripsPerSecond() >= 5, () -> alone + " vs " + one.tripsPerSecond());
        // each round trip pays one interval on the server's recv and one on the client's recv: 1 / (2 (I + L))
        assertEquals(1e9 / (2 * (I + L)), one.tripsPerSecond(), 2.0);
        long p99 = one.stats().waitAfterReleasing().p99();
        assertTrue(p99 >= I && p99 <= I + 1_000_000, "the latency spike sits at the interval: " + p99);

        double atOneMs = Echo.run(Simulation.builder().interval(ms(1)), 1, 1).tripsPerSecond();
        assertTrue(atOneMs >= 3 * one.tripsPerSecond(), "B10: " + atOneMs + " vs " + one.tripsPerSecond());
        double noCpuAtOneMs = Echo.run(Simulation.builder().interval(ms(1)), 0, 1).tripsPerSecond();
        assertEquals(alone, noCpuAtOneMs, 0.0, "B11: the interval is irrelevant without a CPU competitor");
    }

    @Test
    void b9_echoConvoy_fallsAsCpuThreadsAreAdded() {
        double one = Echo.run(Simulation.builder().randomWakeOrder(1), 1, 1).tripsPerSecond();
        double two = Echo.run(Simulation.builder().randomWakeOrder(1), 2, 1).tripsPerSecond();
        double four = Echo.run(Simulation.builder().randomWakeOrder(1), 4, 1).tripsPerSecond();
        assertTrue(two <= one, one + " then " + two);
        assertTrue(two / four >= 1.4, "k = 2 -> 4: " + two + " -> " + four);
    }

    @Test
    void b17_theIntervalIsNotAQuantum_aLongUninterruptibleCallDelaysTheWaiter() {
        Simulation sim = Simulation.builder().build();
        java.util.concurrent.atomic.AtomicLong waited = new java.util.concurrent.atomic.AtomicLong();
        sim.thread("c-call", g -> {
            g.uninterruptible(ms(50));
            g.cpu(ms(1));
        });
        sim.thread("waiter", 1_000, g -> waited.set(sim.now() - 1_000));
        GilStats s = sim.run();
        assertEquals(1, s.dropRequests(), "asked once, at one interval");
        assertTrue(waited.get() >= 50_000_000 && waited.get() <= 50_000_000 + I + 1_000_000, "" + waited.get());
        assertEquals(50_000_000 + 1_000 + L - 1_000, waited.get(), "honoured at the first checkpoint after the call");
    }

    @Test
    void b18_sleepZeroIsNotAYield_theWaiterNeverGetsIn() {
        Simulation sim = Simulation.builder().build();
        sim.thread("sleeper", g -> {
            for (int i = 0; i < 20_000; i++) {
                g.cpu(Duration.ofNanos(1_000));
                g.sleep(Duration.ZERO);
            }
        });
        sim.thread("cpu", 500, g -> g.cpu(ms(5)));
        GilStats s = sim.run();
        GilStats.ThreadStats cpu = s.threads().stream().filter(t -> t.name().endsWith("cpu")).findFirst().orElseThrow();
        assertEquals(0, cpu.requests(), "every drop wakes the waiter, which restarts its interval");
        assertEquals(0, s.dropRequests());
        assertTrue(cpu.waitNanos() >= 20_000 * 1_000 - 500, "the waiter waited while the sleeper ran: " + cpu.waitNanos());
    }

    @Test
    void b18_whenTheWaiterWinsARace_theSleeperPaysAnInterval() {
        // with no wake latency the woken waiter runs before the sleeper's zero-length sleep returns: it wins
        Simulation sim = Simulation.builder().wakeLatency(Duration.ZERO).build();
        sim.thread("sleeper", g -> {
            for (int i = 0; i < 3; i++) {
                g.cpu(Duration.ofNanos(1_000));
                g.sleep(Duration.ZERO);
            }
        });
        sim.thread("cpu", 500, g -> g.cpu(ms(30)));
        GilStats s = sim.run();
        assertEquals(3, s.releasingReturns());
        assertEquals(1.0, s.convoyScore(), "after each handoff the sleeper waits a full interval to get back in");
        assertEquals(I, s.waitAfterReleasing().p50(), I / 60.0);
    }
}
