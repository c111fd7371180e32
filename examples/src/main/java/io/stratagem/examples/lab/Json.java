package io.stratagem.examples.lab;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a tree of {@link Map} (insertion order kept), {@link List}, {@link String}, {@link Number}, {@link Boolean}
 * and {@code null} as JSON. Small on purpose: the lab's output has a fixed shape, so a library would add a dependency
 * and nothing else.
 */
public final class Json {

    private Json() {
    }

    /**
     * The JSON text of {@code value}, indented by two spaces.
     *
     * @throws IllegalArgumentException for a value of another type, a non-finite number or a non-string key
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int depth) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Double d -> number(sb, d);
            case Float f -> number(sb, f);
            case Map<?, ?> m -> object(sb, m, depth);
            case List<?> l -> array(sb, l, depth);
            default -> throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void number(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no " + d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d);
        } else {
            sb.append(String.format(Locale.ROOT, "%.3f", d).replaceAll("0+$", ""));
        }
    }

    private static void object(StringBuilder sb, Map<?, ?> m, int depth) {
        if (m.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON keys are strings, not " + e.getKey());
            }
            sb.append(first ? "\n" : ",\n");
            first = false;
            indent(sb, depth + 1);
            string(sb, key);
            sb.append(": ");
            write(sb, e.getValue(), depth + 1);
        }
        sb.append('\n');
        indent(sb, depth);
        sb.append('}');
    }

    private static void array(StringBuilder sb, List<?> l, int depth) {
        if (l.isEmpty()) {
            sb.append("[]");
            return;
        }
        boolean flat = l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
        sb.append('[');
        for (int i = 0; i < l.size(); i++) {
            if (flat) {
                sb.append(i == 0 ? "" : ", ");
            } else {
                sb.append(i == 0 ? "\n" : ",\n");
                indent(sb, depth + 1);
            }
            write(sb, l.get(i), depth + 1);
        }
        if (!flat) {
            sb.append('\n');
            indent(sb, depth);
        }
        sb.append(']');
    }

    private static void indent(StringBuilder sb, int depth) {
        sb.append("  ".repeat(depth));
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
