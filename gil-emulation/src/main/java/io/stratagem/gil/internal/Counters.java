package io.stratagem.gil.internal;

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
