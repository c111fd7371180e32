package io.stratagem.gil;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An immutable snapshot of a {@link GlobalInterpreterLock}'s counters and histograms since it was created or last
 * {@linkplain GlobalInterpreterLock#resetStats() reset}. Times are in nanoseconds.
 *
 * @param mode                     the lock's mode
 * @param switchInterval           the switch interval when the snapshot was taken
 * @param elapsedNanos             wall time covered by the snapshot
 * @param acquisitions             every take of the lock (attach, after a drop)
 * @param contendedAcquisitions    takes that had to wait
 * @param switches                 changes of holder ({@code switch_number} deltas)
 * @param dropRequests             drop requests set on a holder (false-to-true transitions of its flag)
 * @param forcedDrops              drops at a checkpoint because of a request
 * @param voluntaryDrops           drops around {@code releasing}/{@code sleep} (and legacy tick releases)
 * @param finalDrops               drops on detach
 * @param handoffWaits             forced-switching waits for another thread to take the lock
 * @param handoffTimeouts          bounded handoff waits that expired (should be 0)
 * @param timedWaitTimeouts        timed waits of one interval that expired
 * @param timeoutsWithoutRequest   of those, how many found a switch had happened meanwhile (so no request)
 * @param nonTimeoutWakeups        waits that ended by a signal or spuriously
 * @param lostRaces                woken, but the lock had been taken again before the waiter got to it
 * @param signalsToRunningWaiter   drop signals that went to a waiter still entering its wait (in CPython on glibc: the
 *                                 thread that just asked for the drop) rather than to the longest sleeper
 * @param legacyRetakes            legacy mode: tick releases re-taken by the same thread
 * @param futileWakeups            legacy mode: wake-ups that found the lock held
 * @param watchdogWarnings         warnings the watchdog raised
 * @param deadHolderReleases       locks reclaimed from a thread that died holding them
 * @param releasingReturns         returns from {@code releasing}/{@code sleep}
 * @param releasingWaitedInterval  of those, how many waited at least one switch interval to re-take (the convoy)
 * @param heldNanos                total time the lock was held
 * @param holdForced               hold times ended by a forced drop
 * @param holdVoluntary            hold times ended by a voluntary drop
 * @param waitAfterReleasing       re-acquire waits after {@code releasing} (the convoy metric)
 * @param waitAfterForced          re-acquire waits after a forced drop
 * @param waitOnAttach             waits on attach
 * @param handoffWait              handoff wait times
 * @param released                 time spent inside {@code releasing}
 * @param threads                  per-thread figures, by thread name
 */
public record GilStats(GlobalInterpreterLock.Mode mode, Duration switchInterval, long elapsedNanos,
                       long acquisitions, long contendedAcquisitions, long switches, long dropRequests,
                       long forcedDrops, long voluntaryDrops, long finalDrops, long handoffWaits, long handoffTimeouts,
                       long timedWaitTimeouts, long timeoutsWithoutRequest, long nonTimeoutWakeups, long lostRaces,
                       long signalsToRunningWaiter,
                       long legacyRetakes, long futileWakeups, long watchdogWarnings, long deadHolderReleases,
                       long releasingReturns, long releasingWaitedInterval, long heldNanos,
                       Summary holdForced, Summary holdVoluntary, Summary waitAfterReleasing, Summary waitAfterForced,
                       Summary waitOnAttach, Summary handoffWait, Summary released, List<ThreadStats> threads) {

    public GilStats {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(switchInterval, "switchInterval");
        threads = List.copyOf(threads);
    }

    /** A histogram's summary, in nanoseconds. */
    public record Summary(long count, long mean, long p50, long p90, long p99, long max) {
    }

    /**
     * One thread's figures (threads are identified by name; a pool thread accumulates over all its attachments).
     *
     * @param name          the thread's name
     * @param holdNanos     time holding the lock
     * @param waitNanos     time waiting to take it
     * @param handoffNanos  time in forced-switching handoff waits
     * @param releasedNanos time inside {@code releasing}
     * @param acquisitions  takes
     * @param forcedDrops   forced drops
     * @param requests      drop requests this thread issued as a waiter
     */
    public record ThreadStats(String name, long holdNanos, long waitNanos, long handoffNanos, long releasedNanos,
                              long acquisitions, long forcedDrops, long requests) {

        /** The share of {@code total} spent holding (0 if total is 0). */
        public double holdShare(long total) {
            return total <= 0 ? 0 : (double) holdNanos / total;
        }
    }

    /** The share of {@code releasing} returns that waited at least one interval to re-take the lock. */
    public double convoyScore() {
        return releasingReturns == 0 ? 0 : (double) releasingWaitedInterval / releasingReturns;
    }

    /** The fraction of the elapsed wall time during which the lock was held. */
    public double utilisation() {
        return elapsedNanos <= 0 ? 0 : Math.min(1.0, (double) heldNanos / elapsedNanos);
    }

    /** Holder changes per second of elapsed time. */
    public double switchesPerSecond() {
        return elapsedNanos <= 0 ? 0 : switches * 1e9 / elapsedNanos;
    }

    /** Drop requests per second of elapsed time. */
    public double requestsPerSecond() {
        return elapsedNanos <= 0 ? 0 : dropRequests * 1e9 / elapsedNanos;
    }

    /** A compact, human-readable table. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "GIL %s, interval %s, %.3f s: %d acquisitions (%d contended), %d switches "
                        + "(%.0f/s), %d requests, drops forced/voluntary/final %d/%d/%d, handoff waits %d (timeouts %d), "
                        + "utilisation %.2f, convoy score %.2f%n",
                mode, switchInterval, elapsedNanos / 1e9, acquisitions, contendedAcquisitions, switches,
                switchesPerSecond(), dropRequests, forcedDrops, voluntaryDrops, finalDrops, handoffWaits,
                handoffTimeouts, utilisation(), convoyScore()));
        line(b, "hold (forced)", holdForced);
        line(b, "hold (voluntary)", holdVoluntary);
        line(b, "wait after releasing", waitAfterReleasing);
        line(b, "wait after forced drop", waitAfterForced);
        for (ThreadStats t : threads) {
            b.append(String.format(Locale.ROOT, "  %-22s hold %5.1f%%  wait %5.1f%%  released %5.1f%%  takes %d%n",
                    t.name(), 100.0 * t.holdShare(elapsedNanos), pct(t.waitNanos()), pct(t.releasedNanos()),
                    t.acquisitions()));
        }
        return b.toString();
    }

    private double pct(long nanos) {
        return elapsedNanos <= 0 ? 0 : 100.0 * nanos / elapsedNanos;
    }

    private static void line(StringBuilder b, String what, Summary s) {
        if (s.count() > 0) {
            b.append(String.format(Locale.ROOT, "  %-24s n=%-7d p50 %8.3f ms  p90 %8.3f ms  p99 %8.3f ms  max %8.3f ms%n",
                    what, s.count(), s.p50() / 1e6, s.p90() / 1e6, s.p99() / 1e6, s.max() / 1e6));
        }
    }
}
