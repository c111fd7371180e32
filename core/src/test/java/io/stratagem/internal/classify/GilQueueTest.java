package io.stratagem.internal.classify;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GIL contention model: what queueing for one lock must respect whatever the numbers. */
class GilQueueTest {

    @Property(tries = 500)
    void moreThreadsCompeting_neverShortenATasksTimeAtTheGil(@ForAll("nanos") double c, @ForAll("nanos") double w,
                                                             @ForAll("nanos") double fixed,
                                                             @ForAll @DoubleRange(min = 0, max = 100) double switches,
                                                             @ForAll("nanos") double sw, @ForAll("nanos") double waiter,
                                                             @ForAll @IntRange(min = 1, max = 63) int threads) {
        GilQueue fewer = GilQueue.solve(threads, c, w, fixed, switches, sw, waiter);
        GilQueue more = GilQueue.solve(threads + 1, c, w, fixed, switches, sw, waiter);
        assertTrue(more.residence() >= fewer.residence() * (1 - 1e-12), () -> fewer + " -> " + more);
        assertTrue(more.queue() >= fewer.queue() * (1 - 1e-12), () -> fewer + " -> " + more);
        assertTrue(more.demand() >= fewer.demand() * (1 - 1e-12), () -> fewer + " -> " + more);
    }

    @Property(tries = 500)
    void moreCpuOrADearerWaiter_neverLowersTheMakespan(@ForAll("nanos") double c, @ForAll("nanos") double w,
                                                       @ForAll("nanos") double fixed,
                                                       @ForAll @DoubleRange(min = 0, max = 100) double switches,
                                                       @ForAll("nanos") double sw, @ForAll("nanos") double waiter,
                                                       @ForAll @IntRange(min = 1, max = 64) int threads,
                                                       @ForAll @IntRange(min = 1, max = 100_000) int n,
                                                       @ForAll("nanos") double extra) {
        double base = GilQueue.solve(threads, c, w, fixed, switches, sw, waiter).makespan(n, threads);
        double moreCpu = GilQueue.solve(threads, c + extra, w, fixed, switches, sw, waiter).makespan(n, threads);
        double dearer = GilQueue.solve(threads, c, w, fixed, switches, sw, waiter + extra).makespan(n, threads);
        assertTrue(moreCpu >= base * (1 - 1e-12), () -> base + " -> " + moreCpu);
        assertTrue(dearer >= base * (1 - 1e-12), () -> base + " -> " + dearer);
    }

    @Property(tries = 500)
    void theMakespan_respectsBothBounds_andTheLockIsNeverMoreThanBusy(
            @ForAll("nanos") double c, @ForAll("nanos") double w, @ForAll("nanos") double fixed,
            @ForAll @DoubleRange(min = 0, max = 100) double switches, @ForAll("nanos") double sw,
            @ForAll("nanos") double waiter, @ForAll @IntRange(min = 1, max = 64) int threads,
            @ForAll @IntRange(min = 1, max = 100_000) int n) {
        GilQueue q = GilQueue.solve(threads, c, w, fixed, switches, sw, waiter);
        double makespan = q.makespan(n, threads);
        // the lock serializes every task's demand; the pool overlaps at most `threads` tasks
        assertTrue(makespan >= n * q.demand() * (1 - 1e-9), () -> q + ": " + makespan);
        assertTrue(makespan >= n * (c + w) / threads * (1 - 1e-9), () -> q + ": " + makespan);
        assertTrue(q.utilization(threads) >= 0 && q.utilization(threads) <= 1);
        assertTrue(q.queue() <= threads * (1 + 1e-9), q::toString);
    }

    @Property(tries = 200)
    void withoutWaits_theThreadsSerialize_andOneThreadNeverQueues(@ForAll("nanos") double c,
                                                                  @ForAll("nanos") double w,
                                                                  @ForAll("nanos") double fixed,
                                                                  @ForAll @IntRange(min = 1, max = 64) int threads) {
        GilQueue busy = GilQueue.solve(threads, c + 1, 0, fixed, 0, 0, 0);
        assertEquals(1000 * (c + 1 + fixed), busy.makespan(1000, threads), 1e-6 * 1000 * (c + 1 + fixed));
        GilQueue alone = GilQueue.solve(1, c, w, fixed, 2, 1_000, 1_000);
        assertEquals(alone.demand(), alone.residence(), 1e-9 * Math.max(1, alone.demand()));
    }

    @Provide
    Arbitrary<Double> nanos() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(1, 2e9));
    }
}
