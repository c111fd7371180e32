package io.stratagem.gil.internal;

import io.stratagem.gil.GilStats;
import io.stratagem.gil.GilTimeline;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one platform thread did with one lock, over all its attachments: time per state, counts, and a bounded ring of
 * timeline events that overwrites its oldest entries. Written by its own thread; the ring has its own lock so that
 * snapshots (and writers in free-threaded mode, which take no GIL mutex) see whole entries.
 */
final class ThreadRecord {

    final Thread thread;
    final String name;
    long holdNanos;
    long waitNanos;
    long handoffNanos;
    long releasedNanos;
    long acquisitions;
    long forcedDrops;
    long requests;

    private final ReentrantLock ringLock = new ReentrantLock();
    private final long[] starts;
    private final long[] ends;
    private final byte[] kinds;
    private final String[] details;
    private long written;

    ThreadRecord(Thread thread, int timelineCapacity) {
        this.thread = thread;
        this.name = thread.getName();
        this.starts = new long[timelineCapacity];
        this.ends = new long[timelineCapacity];
        this.kinds = new byte[timelineCapacity];
        this.details = new String[timelineCapacity];
    }

    void add(GilTimeline.Kind kind, long start, long end, String detail) {
        if (starts.length == 0) {
            return;
        }
        ringLock.lock();
        try {
            int i = (int) (written % starts.length);
            starts[i] = start;
            ends[i] = Math.max(start, end);
            kinds[i] = (byte) kind.ordinal();
            details[i] = detail;
            written++;
        } finally {
            ringLock.unlock();
        }
    }

    void addAccumulated(int state, long nanos) {
        switch (state) {
            case Attachment.HOLDING -> holdNanos += nanos;
            case Attachment.WAITING -> waitNanos += nanos;
            case Attachment.HANDOFF -> handoffNanos += nanos;
            case Attachment.RELEASED -> releasedNanos += nanos;
            default -> {
            }
        }
    }

    void drainTimeline(String threadName, List<GilTimeline.Event> into) {
        ringLock.lock();
        try {
            long n = Math.min(written, starts.length);
            for (long k = written - n; k < written; k++) {
                int i = (int) (k % starts.length);
                into.add(new GilTimeline.Event(threadName, GilTimeline.Kind.values()[kinds[i]], starts[i], ends[i],
                        details[i]));
            }
        } finally {
            ringLock.unlock();
        }
    }

    void reset() {
        holdNanos = waitNanos = handoffNanos = releasedNanos = 0;
        acquisitions = forcedDrops = requests = 0;
        ringLock.lock();
        try {
            written = 0;
        } finally {
            ringLock.unlock();
        }
    }

    GilStats.ThreadStats snapshot() {
        return new GilStats.ThreadStats(name, holdNanos, waitNanos, handoffNanos, releasedNanos, acquisitions,
                forcedDrops, requests);
    }
}
