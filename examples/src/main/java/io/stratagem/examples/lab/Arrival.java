package io.stratagem.examples.lab;

import java.util.Locale;

/**
 * How tasks arrive: all at once (a batch), or one after another at a steady rate (a service under load).
 *
 * @param ratePerSecond tasks per second, or 0 for all at once
 */
public record Arrival(double ratePerSecond) {

    /** The accepted forms, quoted in every rejection. */
    public static final String FORMS = "'all' (every task at once) or a rate such as 200/s (0.1/s to 1000000/s)";

    public Arrival {
        if (ratePerSecond != 0 && !(ratePerSecond >= 0.1 && ratePerSecond <= 1_000_000)) {
            throw new IllegalArgumentException("arrival rate must be 0 (all at once) or between 0.1/s and "
                    + "1000000/s, was " + ratePerSecond + "/s");
        }
    }

    /** Every task submitted at once. */
    public static Arrival allAtOnce() {
        return new Arrival(0);
    }

    /** One task every {@code 1 / perSecond} seconds. */
    public static Arrival rate(double perSecond) {
        if (perSecond == 0) {
            throw new IllegalArgumentException("arrival rate must be between 0.1/s and 1000000/s, was 0/s");
        }
        return new Arrival(perSecond);
    }

    /**
     * Parses {@code all} or {@code N/s}.
     *
     * @throws IllegalArgumentException naming the text and {@link #FORMS}
     */
    public static Arrival parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("all") || t.equals("batch")) {
            return allAtOnce();
        }
        String number = t.endsWith("/s") ? t.substring(0, t.length() - 2).strip() : null;
        if (number == null || !number.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new IllegalArgumentException("'" + text + "' is not an arrival; use " + FORMS);
        }
        double rate = Double.parseDouble(number);
        if (rate < 0.1 || rate > 1_000_000) {
            throw new IllegalArgumentException("'" + text + "' is out of range; use " + FORMS);
        }
        return rate(rate);
    }

    /** Whether every task is submitted at once. */
    public boolean isAllAtOnce() {
        return ratePerSecond == 0;
    }

    @Override
    public String toString() {
        return isAllAtOnce() ? "all" : trim(ratePerSecond) + "/s";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
