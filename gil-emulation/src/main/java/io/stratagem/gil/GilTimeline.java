package io.stratagem.gil;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of what each thread did with a {@link GlobalInterpreterLock}: periods holding, waiting, in a
 * handoff wait and released, drop requests as instants, and GC pauses. Times are nanoseconds relative to the lock's
 * start instant (its creation or last {@linkplain GlobalInterpreterLock#resetStats() reset}). Each thread keeps a
 * bounded ring of its most recent events, so a long run shows only its tail.
 *
 * @param spanNanos the time from the start instant to the snapshot
 * @param events    the events, ordered by start time
 */
public record GilTimeline(long spanNanos, List<Event> events) {

    /** What a period of a thread's time was. */
    public enum Kind {
        /** Holding the lock and running "Python" code. */
        HOLD,
        /** Waiting to take the lock. */
        WAIT,
        /** Dropped on request, waiting until another thread has taken the lock (forced switching). */
        HANDOFF,
        /** Running without the lock (inside {@code releasing} or {@code sleep}). */
        RELEASED,
        /** An instant: this thread, waiting, asked the holder (named in {@code detail}) to drop. */
        REQUEST,
        /** A garbage-collection pause (thread "GC"); every thread was stopped or slowed meanwhile. */
        GC
    }

    /**
     * One period (or instant, when start equals end).
     *
     * @param thread      the thread's name ("GC" for GC pauses)
     * @param kind        what the period was
     * @param startNanos  start, relative to the start instant
     * @param endNanos    end, relative to the start instant
     * @param detail      extra information (the request's target, the collector's name), or empty
     */
    public record Event(String thread, Kind kind, long startNanos, long endNanos, String detail) {
        public Event {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(kind, "kind");
            detail = detail == null ? "" : detail;
            if (endNanos < startNanos) {
                throw new IllegalArgumentException("endNanos " + endNanos + " is before startNanos " + startNanos);
            }
        }
    }

    public GilTimeline {
        events = List.copyOf(events);
    }

    /** The thread names in order of first appearance (GC last). */
    public List<String> threads() {
        List<String> names = new ArrayList<>();
        for (Event e : events) {
            if (e.kind() != Kind.GC && !names.contains(e.thread())) {
                names.add(e.thread());
            }
        }
        return names;
    }

    /**
     * The timeline as Chrome Trace Event JSON ({@code chrome://tracing}, <a href="https://ui.perfetto.dev">Perfetto</a>):
     * one track per thread, periods as complete ("X") slices, requests as instants.
     */
    public String toChromeTraceJson() {
        Map<String, Integer> tids = new LinkedHashMap<>();
        for (String t : threads()) {
            tids.put(t, tids.size() + 1);
        }
        tids.put("GC", tids.size() + 1);
        StringBuilder b = new StringBuilder(64 + events.size() * 96);
        b.append("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
        boolean first = true;
        for (Map.Entry<String, Integer> t : tids.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":").append(t.getValue())
                    .append(",\"args\":{\"name\":").append(quote(t.getKey())).append("}}");
        }
        for (Event e : events) {
            b.append(",{\"name\":\"").append(e.kind()).append("\",\"cat\":\"gil\",\"pid\":1,\"tid\":")
                    .append(tids.get(e.thread())).append(",\"ts\":").append(micros(e.startNanos()));
            if (e.kind() == Kind.REQUEST) {
                b.append(",\"ph\":\"i\",\"s\":\"t\"");
            } else {
                b.append(",\"ph\":\"X\",\"dur\":").append(micros(e.endNanos() - e.startNanos()));
            }
            if (!e.detail().isEmpty()) {
                b.append(",\"args\":{\"detail\":").append(quote(e.detail())).append('}');
            }
            b.append('}');
        }
        return b.append("]}").toString();
    }

    /**
     * The timeline as a strip chart in the style of the seed document's "Python threading" diagram, one row per thread,
     * {@code width} columns from the first event to the last: {@code #} holding, {@code .} waiting, {@code ~} handoff,
     * blank released or not attached; a {@code GC} row marks pauses with {@code G}. Each column shows what the thread
     * did most in that slice of time.
     *
     * @throws IllegalArgumentException if {@code width} is not in [10, 10000]
     */
    public String toAsciiStrip(int width) {
        if (width < 10 || width > 10_000) {
            throw new IllegalArgumentException("width must be in [10, 10000], was " + width);
        }
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (Event e : events) {
            from = Math.min(from, e.startNanos());
            to = Math.max(to, e.endNanos());
        }
        StringBuilder b = new StringBuilder();
        if (events.isEmpty() || to <= from) {
            return "(no events)\n";
        }
        double per = (double) (to - from) / width;
        List<String> rows = new ArrayList<>(threads());
        boolean gc = events.stream().anyMatch(e -> e.kind() == Kind.GC);
        if (gc) {
            rows.add("GC");
        }
        int nameWidth = Math.min(24, rows.stream().mapToInt(String::length).max().orElse(2));
        for (String row : rows) {
            long[][] time = new long[width][Kind.values().length];
            for (Event e : events) {
                if (!e.thread().equals(row) || e.kind() == Kind.REQUEST) {
                    continue;
                }
                int c0 = (int) Math.min(width - 1, (e.startNanos() - from) / per);
                int c1 = (int) Math.min(width - 1, (e.endNanos() - from) / per);
                for (int c = c0; c <= c1; c++) {
                    long cs = from + (long) (c * per);
                    long ce = from + (long) ((c + 1) * per);
                    long overlap = Math.min(ce, e.endNanos()) - Math.max(cs, e.startNanos());
                    time[c][e.kind().ordinal()] += Math.max(overlap, 1);
                }
            }
            String name = row.length() > nameWidth ? row.substring(row.length() - nameWidth) : row;
            b.append(String.format(Locale.ROOT, "%-" + nameWidth + "s |", name));
            for (int c = 0; c < width; c++) {
                int best = -1;
                long bestTime = 0;
                for (int k = 0; k < time[c].length; k++) {
                    if (time[c][k] > bestTime) {
                        bestTime = time[c][k];
                        best = k;
                    }
                }
                b.append(best < 0 ? ' ' : symbol(Kind.values()[best]));
            }
            b.append("|\n");
        }
        b.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %.3f ms .. %.3f ms; # holding, . waiting, ~ handoff, "
                + "blank released%s%n", "", from / 1e6, to / 1e6, gc ? ", G GC pause" : ""));
        return b.toString();
    }

    private static char symbol(Kind k) {
        return switch (k) {
            case HOLD -> '#';
            case WAIT -> '.';
            case HANDOFF -> '~';
            case GC -> 'G';
            case RELEASED, REQUEST -> ' ';
        };
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e3);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
