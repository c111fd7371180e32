package io.stratagem.internal.classify;

import java.util.Locale;

/** Human-readable numbers for reasons and reports. */
public final class Units {
    private Units() {
    }

    /** A duration in nanoseconds as "850 µs", "40 ms", "8.0 s". */
    public static String time(double nanos) {
        if (nanos == 0) {
            return "0 ms";
        }
        if (nanos < 1e3) {
            return String.format(Locale.ROOT, "%.0f ns", nanos);
        }
        if (nanos < 1e6) {
            return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
        }
        if (nanos < 1e9) {
            return String.format(Locale.ROOT, nanos < 1e7 ? "%.1f ms" : "%.0f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** A byte count as "512 B", "64 KiB", "10.0 MiB". */
    public static String bytes(double b) {
        if (b < 1024) {
            return String.format(Locale.ROOT, "%.0f B", b);
        }
        if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.0f KiB", b / 1024);
        }
        return String.format(Locale.ROOT, "%.1f MiB", b / (1024 * 1024));
    }

    /** A share in [0, 1] as "92 %". */
    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f %%", share * 100);
    }
}
