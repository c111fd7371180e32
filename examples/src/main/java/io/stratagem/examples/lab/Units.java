package io.stratagem.examples.lab;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the lab's durations ({@code 20ms}, {@code 1.5s}) and sizes ({@code 64KiB}, {@code 1MiB}). Every
 * rejection says what was wrong and which forms are accepted, so a command-line error names its fix.
 */
public final class Units {

    /** The accepted duration forms, quoted in every rejection. */
    public static final String DURATION_FORMS = "a number with a unit: ns, us, ms, s or m (e.g. 500us, 20ms, 1.5s); "
            + "0 needs no unit";
    /** The accepted size forms, quoted in every rejection. */
    public static final String SIZE_FORMS = "a whole number of bytes, or a number with a unit: B, KiB, MiB, GiB "
            + "(or KB, MB, GB, meaning the same powers of 1024), e.g. 512, 64KiB, 1.5MiB";

    private static final Pattern NUMBER_UNIT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Zµ]*)");

    private Units() {
    }

    /**
     * A duration from text such as {@code 20ms}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Duration parseDuration(String text) {
        Matcher m = match(text, "duration", DURATION_FORMS);
        BigDecimal value = new BigDecimal(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        BigDecimal nanosPerUnit = switch (unit) {
            case "ns" -> BigDecimal.ONE;
            case "us", "µs" -> BigDecimal.valueOf(1_000);
            case "ms" -> BigDecimal.valueOf(1_000_000);
            case "s" -> BigDecimal.valueOf(1_000_000_000);
            case "m", "min" -> BigDecimal.valueOf(60_000_000_000L);
            case "" -> {
                if (value.signum() == 0) {
                    yield BigDecimal.ONE;
                }
                throw new IllegalArgumentException("'" + text + "' has no unit; use " + DURATION_FORMS);
            }
            default -> throw new IllegalArgumentException(
                    "'" + text + "' has an unknown unit '" + m.group(2) + "'; use " + DURATION_FORMS);
        };
        BigDecimal nanos = value.multiply(nanosPerUnit);
        if (nanos.compareTo(BigDecimal.valueOf(Duration.ofHours(24).toNanos())) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than 24 h, the longest a task may take");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /**
     * A size in bytes from text such as {@code 64KiB}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static long parseSize(String text) {
        Matcher m = match(text, "size", SIZE_FORMS);
        BigDecimal value = new BigDecimal(m.group(1));
        long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "kib", "kb", "k" -> 1L << 10;
            case "mib", "mb", "m" -> 1L << 20;
            case "gib", "gb", "g" -> 1L << 30;
            default -> throw new IllegalArgumentException(
                    "'" + text + "' has an unknown unit '" + m.group(2) + "'; use " + SIZE_FORMS);
        };
        BigDecimal bytes = value.multiply(BigDecimal.valueOf(multiplier));
        if (bytes.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes; use " + SIZE_FORMS);
        }
        if (bytes.compareTo(BigDecimal.valueOf(1L << 30)) > 0) {
            throw new IllegalArgumentException(
                    "'" + text + "' is larger than 1 GiB, the largest payload the lab sends");
        }
        return bytes.longValueExact();
    }

    private static Matcher match(String text, String what, String forms) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an empty value is not a " + what + "; use " + forms);
        }
        Matcher m = NUMBER_UNIT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a " + what + "; use " + forms);
        }
        return m;
    }

    /** A duration as the lab prints it: {@code 250us}, {@code 20ms}, {@code 1.5s}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0";
        }
        if (nanos < 1_000_000) {
            return trim(nanos / 1_000.0) + "us";
        }
        if (nanos < 10_000_000_000L) {
            return trim(nanos / 1_000_000.0) + "ms";
        }
        return trim(nanos / 1_000_000_000.0) + "s";
    }

    /** A size as the lab prints it, to a tenth of its unit: {@code 512B}, {@code 64KiB}, {@code 1.5MiB}. */
    public static String formatSize(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        if (bytes < 1L << 20) {
            return trim1(bytes / 1024.0) + "KiB";
        }
        if (bytes < 1L << 30) {
            return trim1(bytes / (double) (1L << 20)) + "MiB";
        }
        return trim1(bytes / (double) (1L << 30)) + "GiB";
    }

    /** Milliseconds with up to three decimals, as in the JSON and the tables. */
    public static double millis(Duration d) {
        return Math.round(d.toNanos() / 1_000.0) / 1_000.0;
    }

    private static String trim1(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
