package io.stratagem.gil.internal;

import io.stratagem.gil.GilStats;

import java.util.Arrays;

/**
 * A log-linear histogram of non-negative nanosecond values: 64 linear sub-buckets per power of two, so every recorded
 * value is known to within about 1.6 %. Fixed size, no allocation when recording. Not thread-safe: the GIL records
 * into it under its internal mutex.
 */
public final class LogLinearHistogram {

    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sum;
    private long max;

    /** Records one value (negative values count as 0). */
    public void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        count++;
        sum += v;
        if (v > max) {
            max = v;
        }
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int shift = exp - SUB_BITS + 1;
        int sub = (int) (v >>> shift); // in [SUB/2, SUB)
        return (shift) * (SUB / 2) + sub;
    }

    /** The largest value that maps to bucket {@code i}. */
    static long upperBound(int i) {
        if (i < SUB) {
            return i;
        }
        int shift = i / (SUB / 2) - 1;
        int sub = i - shift * (SUB / 2);
        return (((long) sub + 1) << shift) - 1;
    }

    public long count() {
        return count;
    }

    /** The value at quantile {@code q} (0..1), to within the bucket precision; 0 when empty. */
    public long quantile(double q) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), max);
            }
        }
        return max;
    }

    /** How many recorded values are {@code >= threshold} (exact for thresholds on bucket edges, else within one bucket). */
    public long countAtLeast(long threshold) {
        long n = 0;
        for (int i = BUCKETS - 1; i >= 0 && upperBound(i) >= threshold; i--) {
            n += counts[i];
        }
        return n;
    }

    public void reset() {
        Arrays.fill(counts, 0);
        count = 0;
        sum = 0;
        max = 0;
    }

    /** An immutable summary. */
    public GilStats.Summary summary() {
        return new GilStats.Summary(count, count == 0 ? 0 : sum / count, quantile(0.5), quantile(0.9), quantile(0.99),
                max);
    }
}
