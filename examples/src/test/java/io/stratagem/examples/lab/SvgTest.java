package io.stratagem.examples.lab;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SvgTest {

    @ParameterizedTest
    @CsvSource({"1073,1200", "953,1000", "5,5", "0.7,0.8", "2007,2500", "12.5,12.5", "13,15", "0,1"})
    void niceMax_endsTheAxisOnARoundStepJustAboveTheData(double data, double axis) {
        assertEquals(axis, Svg.niceMax(data), 1e-9);
    }

    @ParameterizedTest
    @CsvSource({"1073", "953", "5", "0.7", "2007", "12.5", "31415"})
    void ticks_startAtZeroEndAtTheAxisAndNumberAtMostSevenIntervals(double data) {
        double max = Svg.niceMax(data);
        double[] t = Svg.ticks(max);
        assertEquals(0, t[0]);
        assertEquals(max, t[t.length - 1], 1e-9);
        assertTrue(t.length >= 3 && t.length <= 8, "ticks: " + t.length);
        assertTrue(max >= data && max < data * 2, "the data fills over half the axis");
    }
}
