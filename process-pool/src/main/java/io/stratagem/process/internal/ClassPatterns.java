package io.stratagem.process.internal;

import java.io.ObjectInputFilter.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * A JEP 290 filter pattern, decided per class exactly as the filter of {@code ObjectInputFilter.Config.createFilter}
 * decides it for a class at depth 1 with one reference, no stream bytes and no array length: same syntax, same errors
 * for a malformed pattern, same first-match rule ({@code ClassPatternsTest} checks the two agree).
 *
 * <h2>Why not the JDK's filter</h2>
 * Creating it initializes {@code ObjectInputFilter.Config}, which sets up a system logger, reads the security
 * properties and looks up a filter factory: about 20 ms in a fresh JVM. A worker needs its allow-list before its first
 * task, so that sat on the path to the first result; the JDK's machinery is still used, on a background thread and
 * whenever a value goes through {@code ObjectInputStream}, which applies this same decision through the codec's
 * filter. Immutable and thread-safe.
 */
final class ClassPatterns {

    private record Rule(String module, char kind, String text, boolean negate) {
        // kind: 'p' package (pkg.*), 'q' package prefix (pkg.**), 's' class-name prefix (Name*), 'c' class name

        Status apply(Class<?> c) {
            if (module != null && !module.equals(c.getModule().getName())) {
                return Status.UNDECIDED;
            }
            boolean match = switch (kind) {
                case 'p' -> text.equals(c.getPackageName());
                case 'q', 's' -> c.getName().startsWith(text);
                default -> c.getName().equals(text);
            };
            return !match ? Status.UNDECIDED : negate ? Status.REJECTED : Status.ALLOWED;
        }
    }

    private final List<Rule> rules;
    private final long maxDepth;
    private final long maxReferences;

    /**
     * @throws IllegalArgumentException if {@code pattern} is malformed, with the JDK's message
     */
    ClassPatterns(String pattern) {
        long depth = Long.MAX_VALUE;
        long refs = Long.MAX_VALUE;
        List<Rule> list = new ArrayList<>();
        for (String p : pattern.split(";")) {
            int nameLen = p.length();
            if (nameLen == 0) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq >= 0) {
                String value = p.substring(eq + 1);
                if (p.startsWith("maxdepth=")) {
                    depth = limit(value);
                } else if (p.startsWith("maxrefs=")) {
                    refs = limit(value);
                } else if (p.startsWith("maxarray=") || p.startsWith("maxbytes=")) {
                    limit(value); // validated; a class check has no array length and no stream bytes
                } else {
                    throw new IllegalArgumentException("unknown limit: " + p.substring(0, eq));
                }
                continue;
            }
            boolean negate = p.charAt(0) == '!';
            int off = negate ? 1 : 0;
            int slash = p.indexOf('/', off);
            if (slash == off) {
                throw new IllegalArgumentException("module name is missing in: \"" + pattern + "\"");
            }
            String module = slash >= 0 ? p.substring(off, slash) : null;
            off = slash >= 0 ? slash + 1 : off;
            if (p.endsWith("*")) {
                if (p.endsWith(".*")) {
                    String pkg = p.substring(off, nameLen - 2);
                    if (pkg.isEmpty()) {
                        throw new IllegalArgumentException("package missing in: \"" + pattern + "\"");
                    }
                    list.add(new Rule(module, 'p', pkg, negate));
                } else if (p.endsWith(".**")) {
                    String pkgs = p.substring(off, nameLen - 2);
                    if (pkgs.length() < 2) {
                        throw new IllegalArgumentException("package missing in: \"" + pattern + "\"");
                    }
                    list.add(new Rule(module, 'q', pkgs, negate));
                } else {
                    list.add(new Rule(module, 's', p.substring(off, nameLen - 1), negate));
                }
            } else {
                String name = p.substring(off);
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("class or package missing in: \"" + pattern + "\"");
                }
                list.add(new Rule(module, 'c', name, negate));
            }
        }
        this.rules = List.copyOf(list);
        this.maxDepth = depth;
        this.maxReferences = refs;
    }

    private static long limit(String value) {
        long v = Long.parseLong(value);
        if (v < 0) {
            throw new IllegalArgumentException("negative limit: " + value);
        }
        return v;
    }

    /** The decision for {@code c} (arrays by their component type; primitives are undecided). */
    Status decide(Class<?> c) {
        if (maxDepth < 1 || maxReferences < 1) {
            return Status.REJECTED;
        }
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive()) {
            return Status.UNDECIDED;
        }
        for (Rule r : rules) {
            Status s = r.apply(c);
            if (s != Status.UNDECIDED) {
                return s;
            }
        }
        return Status.UNDECIDED;
    }
}
