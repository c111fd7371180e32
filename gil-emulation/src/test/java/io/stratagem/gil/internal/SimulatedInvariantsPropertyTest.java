package io.stratagem.gil.internal;

import io.stratagem.gil.GilStats;
import io.stratagem.gil.GilThread;
import io.stratagem.gil.GlobalInterpreterLock.Mode;
import io.stratagem.gil.internal.sim.Simulation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariants I1-I7 of the GIL model under generated schedules: random scripts of CPU work, blocking calls, zero sleeps,
 * uninterruptible calls and failing blocking calls, in every mode, at random intervals and wake latencies, in the
 * deterministic simulator (which also fails any run that deadlocks).
 */
class SimulatedInvariantsPropertyTest {

    enum Kind { CPU, BLOCK, SLEEP0, UNINTERRUPTIBLE, FAILING_BLOCK }

    record Step(Kind kind, long micros) {
    }

    @Property(tries = 200)
    void invariantsHoldForAnySchedule(@ForAll("scripts") @Size(min = 1, max = 4) List<List<Step>> scripts,
                                      @ForAll("modes") Mode mode,
                                      @ForAll("intervals") long intervalMicros,
                                      @ForAll @IntRange(min = 0, max = 60) int wakeLatencyMicros,
                                      @ForAll boolean forceSwitching,
                                      @ForAll boolean randomWakeOrder) {
        InvariantProbe probe = new InvariantProbe(mode, intervalMicros * 1_000, forceSwitching);
        Simulation.Builder b = Simulation.builder().mode(mode).interval(Duration.ofNanos(intervalMicros * 1_000))
                .wakeLatency(Duration.ofNanos(wakeLatencyMicros * 1_000L)).forceSwitching(forceSwitching)
                .legacyCheckInterval(7).probe(probe).limit(Duration.ofSeconds(60));
        if (randomWakeOrder) {
            b.randomWakeOrder(intervalMicros + wakeLatencyMicros);
        }
        Simulation sim = b.build();
        long cpuMicros = 0;
        for (int i = 0; i < scripts.size(); i++) {
            List<Step> script = scripts.get(i);
            for (Step s : script) {
                cpuMicros += s.kind() == Kind.CPU || s.kind() == Kind.UNINTERRUPTIBLE ? s.micros() : 0;
            }
            sim.thread("t" + i, i * 3L, g -> play(sim, g, script));
        }
        GilStats stats = sim.run();
        assertEquals(List.of(), probe.violations());
        assertEquals(stats.acquisitions(), probe.takes());
        if (mode == Mode.GIL) {
            assertEquals(stats.dropRequests(), probe.requests());
            assertTrue(stats.forcedDrops() <= stats.dropRequests(), "a forced drop answers a request");
            if (forceSwitching) {
                assertEquals(0, stats.handoffTimeouts(), "I4: no handoff wait expired");
            }
        }
        if (mode == Mode.FREE_THREADED) {
            assertEquals(0, stats.contendedAcquisitions(), "I7");
            assertEquals(0, stats.switches());
        } else {
            assertTrue(stats.heldNanos() >= cpuMicros * 1_000, "the lock was held at least for all the CPU work");
        }
    }

    private static void play(Simulation sim, GilThread g, List<Step> script) {
        for (Step s : script) {
            switch (s.kind()) {
                case CPU -> g.cpu(Duration.ofNanos(s.micros() * 1_000), Duration.ofNanos(1_000));
                case BLOCK -> releasing(g, () -> sim.block(s.micros() * 1_000));
                case SLEEP0 -> g.sleep(Duration.ZERO);
                case UNINTERRUPTIBLE -> g.uninterruptible(Duration.ofNanos(s.micros() * 1_000));
                case FAILING_BLOCK -> {
                    try {
                        g.releasing(() -> {
                            sim.block(s.micros() * 1_000);
                            throw new IllegalStateException("the call failed");
                        });
                    } catch (Exception e) {
                        assertEquals("the call failed", e.getMessage());
                    }
                }
            }
            g.checkpoint(); // I6: throws unless the lock is held again after every step
        }
    }

    private static void releasing(GilThread g, Runnable r) {
        try {
            g.releasing(() -> {
                r.run();
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<List<List<Step>>> scripts() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.longs().between(0, 12_000))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(8).list();
    }

    @Provide
    Arbitrary<Mode> modes() {
        return Arbitraries.of(Mode.GIL, Mode.GIL, Mode.LEGACY_TICKS, Mode.FREE_THREADED);
    }

    @Provide
    Arbitrary<Long> intervals() {
        return Arbitraries.of(50L, 200L, 1_000L, 5_000L);
    }
}
