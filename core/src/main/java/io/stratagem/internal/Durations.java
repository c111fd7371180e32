package io.stratagem.internal;

import java.time.Duration;

/** Conversions of durations that callers may pass at any size (e.g. {@code ChronoUnit.FOREVER.getDuration()}). */
public final class Durations {
    private Durations() {
    }

    /** {@code d} in nanoseconds, saturated to {@code Long.MAX_VALUE} (≈ 292 years) instead of overflowing. */
    public static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
