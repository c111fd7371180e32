package io.stratagem.async.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The loop's timers, bucketed by millisecond tick (a hashed timing wheel with a heap of occupied ticks).
 *
 * <p>A million timers armed within the same few hundred milliseconds fall into a few hundred buckets, so arming and
 * firing are O(1) per timer plus O(log buckets) per bucket, where a binary heap of timers would pay O(log n) per
 * timer. Deadlines are rounded up to the next millisecond: a timer never fires early, and at most 1 ms late (asyncio
 * also rounds by its clock resolution). Cancelled timers stay in their bucket and fire as no-ops (lazy deletion, as
 * asyncio does). Confined to the loop thread.
 */
public final class TimerQueue {

    /** A timer entry: run on the loop thread when due, or abandoned when the loop closes with it pending. */
    public interface Timed extends Runnable {
        /** Called instead of {@link #run()} if the loop closes first. */
        void abandon();
    }

    private static final long TICK = 1_000_000L;

    private final long origin = System.nanoTime();
    private final HashMap<Long, ArrayDeque<Timed>> buckets = new HashMap<>();
    private final PriorityQueue<Long> ticks = new PriorityQueue<>();
    private int size;
    private long lastTick = -1;
    private ArrayDeque<Timed> lastBucket;

    /** Arms {@code t} to fire {@code delayNanos} after {@code now}. */
    public void add(long now, long delayNanos, Timed t) {
        long tick = (now - origin + delayNanos + TICK - 1) / TICK;
        ArrayDeque<Timed> b;
        if (tick == lastTick && lastBucket != null) {
            b = lastBucket; // timers armed in bursts share a tick: skip the map
        } else {
            b = buckets.get(tick);
            if (b == null) {
                b = new ArrayDeque<>();
                buckets.put(tick, b);
                ticks.add(tick);
            }
            lastTick = tick;
            lastBucket = b;
        }
        b.add(t);
        size++;
    }

    /** Moves every due timer to {@code out}, in deadline order. */
    public void drainDue(long now, List<Timed> out) {
        long nowTick = (now - origin) / TICK;
        Long head;
        while ((head = ticks.peek()) != null && head <= nowTick) {
            ticks.poll();
            ArrayDeque<Timed> b = buckets.remove(head);
            if (b == lastBucket) {
                lastBucket = null;
                lastTick = -1;
            }
            size -= b.size();
            out.addAll(b);
        }
    }

    /** Nanoseconds from {@code now} until the earliest timer is due (0 if due), or -1 if there is none. */
    public long nanosUntilNext(long now) {
        Long head = ticks.peek();
        if (head == null) {
            return -1;
        }
        return Math.max(0, origin + head * TICK - now);
    }

    public int size() {
        return size;
    }

    /** Removes every timer, returning them (for abandoning at close). */
    public List<Timed> clear() {
        List<Timed> all = new ArrayList<>(size);
        buckets.values().forEach(all::addAll);
        buckets.clear();
        ticks.clear();
        lastBucket = null;
        lastTick = -1;
        size = 0;
        return all;
    }
}
