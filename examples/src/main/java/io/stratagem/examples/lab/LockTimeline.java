package io.stratagem.examples.lab;

import java.util.List;

/**
 * Who held the emulated GIL when, during one run: the seed's "Visual Timeline", drawn from real events.
 *
 * @param events    the events, in any order
 * @param ascii     the backend's own text strip of the same events (may be empty)
 * @param truncated whether the backend's bounded timeline dropped older events
 */
public record LockTimeline(List<Event> events, String ascii, boolean truncated) {

    /** The pseudo-thread whose events are garbage-collection pauses. */
    public static final String GC = "GC";

    public LockTimeline {
        events = List.copyOf(events);
    }

    /** The earliest start, or 0 with no events. */
    public long startNanos() {
        return events.stream().mapToLong(Event::startNanos).min().orElse(0);
    }

    /** The latest end, or 0 with no events. */
    public long endNanos() {
        return events.stream().mapToLong(Event::endNanos).max().orElse(0);
    }

    /** The threads in order of their first event; the lane of GC pauses ({@value #GC}) last. */
    public List<String> threads() {
        List<String> names = new java.util.ArrayList<>(events.stream()
                .sorted(java.util.Comparator.comparingLong(Event::startNanos))
                .map(Event::thread).distinct().filter(n -> !n.equals(GC)).toList());
        if (events.stream().anyMatch(e -> e.thread().equals(GC))) {
            names.add(GC);
        }
        return names;
    }

    /**
     * The start of the {@code widthNanos}-long window in which the most {@code HOLD} periods begin (where threads
     * take turns most often), or {@link #startNanos()} when there are none.
     */
    public long busiestWindow(long widthNanos) {
        long[] holds = events.stream().filter(e -> e.kind().equals("HOLD")).mapToLong(Event::startNanos).sorted()
                .toArray();
        long best = startNanos();
        int bestCount = 0;
        int j = 0;
        for (int i = 0; i < holds.length; i++) {
            while (holds[i] - holds[j] > widthNanos) {
                j++;
            }
            if (i - j + 1 > bestCount) {
                bestCount = i - j + 1;
                best = holds[j];
            }
        }
        return best;
    }

    /** The events overlapping {@code [from, to)}, clipped to it. */
    public LockTimeline window(long from, long to) {
        List<Event> clipped = events.stream().filter(e -> e.endNanos() > from && e.startNanos() < to)
                .map(e -> new Event(e.thread(), e.kind(), Math.max(from, e.startNanos()), Math.min(to, e.endNanos())))
                .toList();
        return new LockTimeline(clipped, "", truncated);
    }

    /**
     * One interval of one thread.
     *
     * @param thread     the thread's name
     * @param kind       what it was doing: {@code HOLD} (running under the lock), {@code WAIT} (waiting for it), or
     *                   another kind the backend reports (such as {@code RELEASED} around a blocking call)
     * @param startNanos start, on the {@link System#nanoTime()} clock
     * @param endNanos   end, at or after the start
     */
    public record Event(String thread, String kind, long startNanos, long endNanos) {
        public Event {
            if (endNanos < startNanos) {
                throw new IllegalArgumentException("event ends before it starts: " + startNanos + " > " + endNanos);
            }
        }
    }
}
