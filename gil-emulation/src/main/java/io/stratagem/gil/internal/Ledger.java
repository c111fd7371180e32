package io.stratagem.gil.internal;

import io.stratagem.gil.GilStats;
import io.stratagem.gil.GilTimeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-thread side of a lock's instrumentation: which threads are attached, each thread's time per state and its
 * timeline ring, GC pauses, and the start instant that snapshots are relative to. Guarded by the core's mutex (in
 * free-threaded mode, state transitions are recorded by the owner thread alone). Off the checkpoint fast path.
 */
final class Ledger {

    private static final int MAX_RECORDS = 512;

    private final int timelineCapacity;
    private final Map<Thread, ThreadRecord> records = new LinkedHashMap<>();
    private final List<Attachment> live = new ArrayList<>();
    private final ThreadRecord gcRecord;
    private long startNanos;

    Ledger(int timelineCapacity, long startNanos) {
        this.timelineCapacity = timelineCapacity;
        this.startNanos = startNanos;
        this.gcRecord = new ThreadRecord(new Thread(() -> { }, "GC"), timelineCapacity);
    }

    long startNanos() {
        return startNanos;
    }

    /** The record of {@code t} (created on first use; the oldest is dropped beyond 512 threads). */
    ThreadRecord recordOf(Thread t) {
        ThreadRecord r = records.computeIfAbsent(t, k -> new ThreadRecord(k, timelineCapacity));
        if (records.size() > MAX_RECORDS) {
            records.remove(records.keySet().iterator().next());
        }
        return r;
    }

    void attached(Attachment a) {
        live.add(a);
    }

    void detached(Attachment a) {
        live.remove(a);
    }

    /** Moves {@code a} to state {@code to} at {@code now}, accounting the time spent in the state it leaves. */
    void transition(Attachment a, int to, long now) {
        if (a.state == to) {
            return;
        }
        long since = Math.max(a.stateSince, startNanos);
        if (a.state != Attachment.DETACHED && now > since) {
            a.record.addAccumulated(a.state, now - since);
            if (timelineCapacity > 0) {
                a.record.add(kindOf(a.state), rel(since), rel(now), null);
            }
        }
        a.state = to;
        a.stateSince = now;
    }

    /** Marks that {@code requester} asked {@code target} to drop at {@code now}. */
    void requested(Attachment requester, Attachment target, long now) {
        requester.record.requests++;
        if (timelineCapacity > 0) {
            requester.record.add(GilTimeline.Kind.REQUEST, rel(now), rel(now), target.name);
        }
    }

    void gc(String collector, long durationNanos, long endNanos) {
        if (timelineCapacity > 0) {
            gcRecord.add(GilTimeline.Kind.GC, rel(endNanos - durationNanos), rel(endNanos), collector);
        }
    }

    void reset(long now) {
        records.values().forEach(ThreadRecord::reset);
        gcRecord.reset();
        startNanos = now;
    }

    List<GilStats.ThreadStats> threadStats() {
        List<GilStats.ThreadStats> threads = new ArrayList<>();
        for (ThreadRecord r : records.values()) {
            threads.add(r.snapshot());
        }
        return threads;
    }

    /** The timeline up to {@code now}, including the open period of every attached thread. */
    GilTimeline timeline(long now) {
        List<GilTimeline.Event> events = new ArrayList<>();
        for (ThreadRecord r : records.values()) {
            r.drainTimeline(r.name, events);
        }
        if (timelineCapacity > 0) {
            for (Attachment a : live) {
                long since = Math.max(a.stateSince, startNanos);
                if (a.state != Attachment.DETACHED && now > since) {
                    events.add(new GilTimeline.Event(a.name, kindOf(a.state), rel(since), rel(now), ""));
                }
            }
        }
        gcRecord.drainTimeline("GC", events);
        events.sort(Comparator.comparingLong(GilTimeline.Event::startNanos));
        return new GilTimeline(now - startNanos, events);
    }

    private static GilTimeline.Kind kindOf(int state) {
        return switch (state) {
            case Attachment.HOLDING -> GilTimeline.Kind.HOLD;
            case Attachment.WAITING -> GilTimeline.Kind.WAIT;
            case Attachment.HANDOFF -> GilTimeline.Kind.HANDOFF;
            default -> GilTimeline.Kind.RELEASED;
        };
    }

    private long rel(long t) {
        return Math.max(0, t - startNanos);
    }
}
