package io.stratagem.examples.lab;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitsTest {

    @ParameterizedTest
    @CsvSource({"20ms,20000000", "1.5s,1500000000", "500us,500000", "500µs,500000", "7ns,7", "0,0", "2m,120000000000",
            " 3 ms ,3000000", "0.25ms,250000", "20MS,20000000"})
    void parseDuration_acceptsNumberWithUnit(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), Units.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"20", "ms", "-5ms", "20 parsecs", "1e3ms", "", "  ", "20ms5", "25h", "1,5s"})
    void parseDuration_rejectsOtherForms_namingTheAcceptedForm(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parseDuration(text));
        assertTrue(e.getMessage().contains("20ms") || e.getMessage().contains("24 h"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"64KiB,65536", "512,512", "1MiB,1048576", "1.5MiB,1572864", "2KB,2048", "0,0", "3B,3", "1GiB,1073741824"})
    void parseSize_acceptsBytesOrBinaryUnits(String text, long bytes) {
        assertEquals(bytes, Units.parseSize(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"64XB", "KiB", "-1", "1.5", "0.3KiB", "2GiB", "lots", ""})
    void parseSize_rejectsOtherForms_namingTheAcceptedForm(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parseSize(text));
        assertTrue(e.getMessage().contains("64KiB") || e.getMessage().contains("1 GiB"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0,0", "250000,250us", "20000000,20ms", "1500000000,1500ms", "12000000000,12s"})
    void format_printsTheShortestReadableUnit(long nanos, String text) {
        assertEquals(text, Units.format(Duration.ofNanos(nanos)));
    }

    @ParameterizedTest
    @CsvSource({"512,512B", "65536,64KiB", "1572864,1.5MiB"})
    void formatSize_roundTripsThroughParse(long bytes, String text) {
        assertEquals(text, Units.formatSize(bytes));
        assertEquals(bytes, Units.parseSize(text));
    }
}
