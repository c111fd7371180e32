package io.stratagem.examples.lab;

import java.util.Arrays;

/** Small statistics over nanosecond samples. */
public final class Stats {

    private Stats() {
    }

    /**
     * The nearest-rank percentile: the smallest sample with at least {@code p} percent of the samples at or below it.
     *
     * @param p in (0, 100]
     * @throws IllegalArgumentException if there are no samples or {@code p} is out of range
     */
    public static long percentile(long[] samples, double p) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("percentile of no samples");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** The median of doubles (the mean of the middle two for an even count). */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * The largest number of intervals open at one instant; an interval {@code [start, end)} closes before another
     * opens at the same instant.
     */
    public static int peakOverlap(long[] starts, long[] ends) {
        if (starts.length != ends.length) {
            throw new IllegalArgumentException("starts and ends differ in length");
        }
        long[] s = starts.clone();
        long[] e = ends.clone();
        Arrays.sort(s);
        Arrays.sort(e);
        int open = 0;
        int peak = 0;
        int j = 0;
        for (long start : s) {
            while (j < e.length && e[j] <= start) {
                open--;
                j++;
            }
            open++;
            peak = Math.max(peak, open);
        }
        return peak;
    }
}
