package io.stratagem.examples.lab;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsTest {

    @Test
    void percentile_isNearestRank() {
        long[] s = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
        assertEquals(5, Stats.percentile(s, 50));
        assertEquals(10, Stats.percentile(s, 99));
        assertEquals(1, Stats.percentile(s, 1));
        assertEquals(10, Stats.percentile(s, 100));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[0], 50));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(s, 0));
    }

    @Property(tries = 300)
    void percentile_hasAtLeastPPercentAtOrBelow(@ForAll @Size(min = 1, max = 200) List<@LongRange(max = 1000) Long> l,
                                                @ForAll @DoubleRange(min = 0.5, max = 100) double p) {
        long[] s = l.stream().mapToLong(Long::longValue).toArray();
        long v = Stats.percentile(s, p);
        long atOrBelow = Arrays.stream(s).filter(x -> x <= v).count();
        long below = Arrays.stream(s).filter(x -> x < v).count();
        assertTrue(atOrBelow >= Math.ceil(p / 100 * s.length) - 1e-9, "at or below");
        assertTrue(below < Math.ceil(p / 100 * s.length), "strictly below must not already reach p");
    }

    @Test
    void peakOverlap_countsOpenIntervals() {
        assertEquals(1, Stats.peakOverlap(new long[] {0, 10, 20}, new long[] {10, 20, 30}), "touching is not overlap");
        assertEquals(4, Stats.peakOverlap(new long[] {0, 1, 2, 50}, new long[] {100, 100, 100, 60}));
        assertEquals(2, Stats.peakOverlap(new long[] {0, 5, 10}, new long[] {10, 15, 20}));
        assertEquals(0, Stats.peakOverlap(new long[0], new long[0]));
    }

    @Property(tries = 200)
    void peakOverlap_matchesBruteForce(@ForAll @Size(min = 1, max = 30) List<@LongRange(max = 100) Long> starts,
                                       @ForAll @Size(min = 30, max = 30) List<@LongRange(min = 1, max = 50) Long> lens) {
        long[] s = starts.stream().mapToLong(Long::longValue).toArray();
        long[] e = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            e[i] = s[i] + lens.get(i);
        }
        int brute = 0;
        for (long t = 0; t <= 160; t++) {
            long instant = t;
            int open = 0;
            for (int i = 0; i < s.length; i++) {
                if (s[i] <= instant && instant < e[i]) {
                    open++;
                }
            }
            brute = Math.max(brute, open);
        }
        assertEquals(brute, Stats.peakOverlap(s, e));
    }

    @Test
    void median_ofEvenCountIsTheMeanOfTheMiddle() {
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
        assertEquals(3, Stats.median(new double[] {5, 3, 1}));
    }
}
