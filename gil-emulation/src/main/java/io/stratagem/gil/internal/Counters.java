package io.stratagem.gil.internal;

import io.stratagem.gil.GilStats;
import io.stratagem.gil.GlobalInterpreterLock;

import java.time.Duration;
import java.util.List;

/** The lock-wide counters and histograms of section 6 of the GIL model; guarded by the core's mutex. */
final class Counters {
    long acquisitions;
    long contendedAcquisitions;
    long switches;
    long dropRequests;
    long forcedDrops;
    long voluntaryDrops;
    long finalDrops;
    long handoffWaits;
    long handoffTimeouts;
    long timedWaitTimeouts;
    long timeoutsWithoutRequest;
    long nonTimeoutWakeups;
    long lostRaces;
    long legacyRetakes;
    long futileWakeups;
    long watchdogWarnings;
    long deadHolderReleases;
    long releasingReturns;
    long releasingWaitedInterval;
    long heldNanos;

    final LogLinearHistogram holdForced = new LogLinearHistogram();
    final LogLinearHistogram holdVoluntary = new LogLinearHistogram();
    final LogLinearHistogram waitAfterReleasing = new LogLinearHistogram();
    final LogLinearHistogram waitAfterForced = new LogLinearHistogram();
    final LogLinearHistogram waitOnAttach = new LogLinearHistogram();
    final LogLinearHistogram handoffWait = new LogLinearHistogram();
    final LogLinearHistogram released = new LogLinearHistogram();

    /** Counts a take that waited {@code waited} ns in context {@code ctx}. */
    void took(GilCore.Context ctx, long waited, long intervalNanos) {
        switch (ctx) {
            case ATTACH -> waitOnAttach.record(waited);
            case AFTER_FORCED -> waitAfterForced.record(waited);
            case AFTER_RELEASING -> {
                waitAfterReleasing.record(waited);
                releasingReturns++;
                if (waited >= intervalNanos) {
                    releasingWaitedInterval++;
                }
            }
            case AFTER_TICK -> { }
        }
    }

    /** Counts a drop after a hold of {@code held} ns by the thread of {@code r}. */
    void dropped(GilCore.Cause cause, long held, ThreadRecord r) {
        heldNanos += held;
        switch (cause) {
            case FORCED -> {
                forcedDrops++;
                r.forcedDrops++;
                holdForced.record(held);
            }
            case VOLUNTARY, TICK -> {
                voluntaryDrops++;
                holdVoluntary.record(held);
            }
            case FINAL -> finalDrops++;
        }
    }

    /** The counters as {@link GilStats}, with what only the core knows passed in. */
    GilStats snapshot(GlobalInterpreterLock.Mode mode, long intervalNanos, long elapsedNanos, long held,
                      long awakeWakes, List<GilStats.ThreadStats> threads) {
        return new GilStats(mode, Duration.ofNanos(intervalNanos), elapsedNanos, acquisitions,
                contendedAcquisitions, switches, dropRequests, forcedDrops, voluntaryDrops,
                finalDrops, handoffWaits, handoffTimeouts, timedWaitTimeouts, timeoutsWithoutRequest,
                nonTimeoutWakeups, lostRaces, awakeWakes, legacyRetakes, futileWakeups, watchdogWarnings,
                deadHolderReleases, releasingReturns, releasingWaitedInterval, held,
                holdForced.summary(), holdVoluntary.summary(), waitAfterReleasing.summary(),
                waitAfterForced.summary(), waitOnAttach.summary(), handoffWait.summary(),
                released.summary(), threads);
    }

    void reset() {
        acquisitions = contendedAcquisitions = switches = dropRequests = 0;
        forcedDrops = voluntaryDrops = finalDrops = handoffWaits = handoffTimeouts = 0;
        timedWaitTimeouts = timeoutsWithoutRequest = nonTimeoutWakeups = lostRaces = 0;
        legacyRetakes = futileWakeups = watchdogWarnings = deadHolderReleases = 0;
        releasingReturns = releasingWaitedInterval = heldNanos = 0;
        holdForced.reset();
        holdVoluntary.reset();
        waitAfterReleasing.reset();
        waitAfterForced.reset();
        waitOnAttach.reset();
        handoffWait.reset();
        released.reset();
    }
}
