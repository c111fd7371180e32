package io.stratagem.examples.lab;

import java.util.List;
import java.util.Locale;

/** The report's charts as inline SVG: horizontal bar charts with a labelled axis, and the GIL timeline. */
final class Svg {

    static final int TICKS = 6;

    static final String[] PALETTE = {"#3b6ea8", "#e08a2c", "#4d9b5a", "#b04a5a", "#7a5ba6", "#6b6b6b"};

    private Svg() {
    }

    /**
     * One bar of a chart.
     *
     * @param label  the text left of the bar
     * @param value  its length, in the chart's unit
     * @param series which colour (and legend entry) it belongs to
     */
    record Bar(String label, double value, int series) {
    }

    /** A horizontal bar chart; {@code legend} names the series (may be empty for one series). */
    static String bars(List<Bar> bars, List<String> legend, String unit) {
        int labelW = 230;
        int plotW = 640;
        int rowH = 26;
        int top = legend.isEmpty() ? 10 : 34;
        int height = top + bars.size() * rowH + 40;
        double max = niceMax(bars.stream().mapToDouble(Bar::value).max().orElse(1));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                + "width=\"%d\" height=\"%d\" role=\"img\">", labelW + plotW + 90, height));
        for (int i = 0; i < legend.size(); i++) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"8\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"20\">%s</text>", labelW + i * 160, PALETTE[i % PALETTE.length],
                    labelW + i * 160 + 20, esc(legend.get(i))));
        }
        for (double v : ticks(max)) {
            double x = labelW + plotW * v / max;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">%s</text>",
                    x, top - 4, x, top + bars.size() * rowH, x, top + bars.size() * rowH + 18, tick(v)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"axis\">%s"
                + "</text>", labelW + plotW / 2, height - 4, esc(unit)));
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = top + i * rowH;
            double w = max <= 0 ? 0 : plotW * b.value() / max;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                    + "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" class=\"value\">%s</text>",
                    labelW - 8, y + 17, esc(b.label()), labelW, y + 4, w, rowH - 8,
                    PALETTE[b.series() % PALETTE.length], labelW + w + 6, y + 17, tick(b.value())));
        }
        return sb.append("</svg>").toString();
    }

    /** The GIL timeline: one lane per thread, a rectangle per event, coloured by kind; time from its first event. */
    static String timeline(LockTimeline t) {
        return timeline(t, t.threads(), t.startNanos(), t.endNanos(), t.startNanos());
    }

    /**
     * The part of a GIL timeline between {@code from} and {@code to}, with the axis in ms since {@code origin} and one
     * lane per name in {@code threads} (in that order).
     */
    static String timeline(LockTimeline t, List<String> threads, long from, long to, long origin) {
        List<String> kinds = t.events().stream().map(LockTimeline.Event::kind).distinct().sorted().toList();
        int labelW = 200;
        int plotW = 900;
        int laneH = 22;
        int top = 34;
        int height = top + threads.size() * laneH + 40;
        double fromMs = (from - origin) / 1e6;
        double span = niceMax(Math.max(1e-3, (to - from) / 1e6));
        double[] ticks = ticks(span);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
                + "width=\"%d\" height=\"%d\" role=\"img\">", labelW + plotW + 40, height));
        for (int i = 0; i < kinds.size(); i++) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"8\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"20\">%s</text>", labelW + i * 170, kindColour(kinds.get(i)),
                    labelW + i * 170 + 20, esc(kinds.get(i))));
        }
        for (double v : ticks) {
            double x = labelW + plotW * v / span;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#e4e4e4\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">%s</text>",
                    x, top - 4, x, top + threads.size() * laneH, x, top + threads.size() * laneH + 18,
                    tick(fromMs + v)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"axis\">"
                + "ms since the start of the run</text>", labelW + plotW / 2, height - 4));
        for (int i = 0; i < threads.size(); i++) {
            int y = top + i * laneH;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
                    labelW - 8, y + 15, esc(threads.get(i))));
        }
        for (LockTimeline.Event e : t.events()) {
            int lane = threads.indexOf(e.thread());
            if (lane < 0 || e.endNanos() <= from || e.startNanos() >= to) {
                continue;
            }
            long s0 = Math.max(from, e.startNanos());
            long s1 = Math.min(to, e.endNanos());
            double x = labelW + plotW * ((s0 - from) / 1e6) / span;
            double w = Math.max(0.5, plotW * ((s1 - s0) / 1e6) / span);
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
                    + "fill=\"%s\"/>", x, top + lane * laneH + 3, w, laneH - 6, kindColour(e.kind())));
        }
        return sb.append("</svg>").toString();
    }

    static String kindColour(String kind) {
        return switch (kind) {
            case "HOLD", "RUN", "RUNNING" -> "#2f8f46";
            case "WAIT", "WAITING" -> "#f0b429";
            case "HANDOFF" -> "#d9534f";
            case "RELEASED", "BLOCKING", "IO" -> "#9db9d8";
            default -> "#b9b9b9";
        };
    }

    /**
     * The axis end for data up to {@code v}: a multiple of a round step (1, 2, 2.5 or 5 times a power of ten) that
     * gives at most {@value #TICKS} intervals, so bars fill most of the plot and ticks fall on round numbers.
     */
    static double niceMax(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double step = niceStep(v / TICKS);
        return Math.ceil(v / step - 1e-9) * step;
    }

    /** The round step (1, 2, 2.5 or 5 times a power of ten) at or above {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= raw - 1e-12) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** Tick values from 0 to {@code max} (as returned by {@link #niceMax}) on the round step. */
    static double[] ticks(double max) {
        double step = niceStep(max / TICKS);
        int n = (int) Math.round(max / step);
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            t[i] = i * step;
        }
        return t;
    }

    static String tick(double v) {
        if (v == Math.rint(v) || v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
