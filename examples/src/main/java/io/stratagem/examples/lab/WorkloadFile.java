package io.stratagem.examples.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a workload with several task kinds from a small text file, one kind per line:
 *
 * <pre>
 * # a service: many waiting calls, some light CPU, a few heavy jobs
 * arrival all                      # or: arrival 200/s
 * kind wait-call  tasks=48 cpu=500us wait=50ms payload=1KiB
 * kind light-cpu  tasks=24 cpu=3ms   wait=2ms  payload=4KiB
 * kind heavy-cpu  tasks=8  cpu=80ms            in=64KiB out=1KiB
 * </pre>
 *
 * Omitted fields are 0 ({@code tasks} is required); {@code payload} sets both {@code in} and {@code out}. Every
 * mistake is reported as {@code file:line: what is wrong; the accepted form}.
 */
public final class WorkloadFile {

    /** The accepted line forms, quoted in rejections. */
    public static final String FORMS = "'kind NAME tasks=N [cpu=DURATION] [wait=DURATION] [payload=SIZE | in=SIZE "
            + "out=SIZE]' or 'arrival all|N/s'";

    private static final Set<String> KEYS = Set.of("tasks", "cpu", "wait", "payload", "in", "out");

    private WorkloadFile() {
    }

    /**
     * Reads and validates a workload file.
     *
     * @throws IllegalArgumentException naming the file, the line and the mistake
     * @throws IOException              if the file cannot be read
     */
    public static LabWorkload read(Path file) throws IOException {
        return parse(file.toString(), Files.readAllLines(file));
    }

    /**
     * Parses workload lines; {@code source} names them in messages.
     *
     * @throws IllegalArgumentException naming the source, the line and the mistake
     */
    public static LabWorkload parse(String source, List<String> lines) {
        List<TaskKind> kinds = new ArrayList<>();
        Arrival arrival = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = stripComment(lines.get(i)).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + ":" + (i + 1) + ": ";
            String[] words = line.split("\\s+");
            try {
                switch (words[0]) {
                    case "kind" -> kinds.add(kind(words));
                    case "arrival" -> {
                        if (arrival != null) {
                            throw new IllegalArgumentException("arrival is given twice");
                        }
                        if (words.length != 2) {
                            throw new IllegalArgumentException("arrival takes one value; use " + Arrival.FORMS);
                        }
                        arrival = Arrival.parse(words[1]);
                    }
                    default -> throw new IllegalArgumentException(
                            "unknown line start '" + words[0] + "'; use " + FORMS);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException(source + ": no 'kind' line; use " + FORMS);
        }
        try {
            return new LabWorkload(kinds, arrival == null ? Arrival.allAtOnce() : arrival);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static TaskKind kind(String[] words) {
        if (words.length < 3 || words[1].contains("=")) {
            throw new IllegalArgumentException("a kind needs a name and tasks=N; use " + FORMS);
        }
        Map<String, String> fields = new HashMap<>();
        for (int j = 2; j < words.length; j++) {
            int eq = words[j].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + words[j] + "' is not key=value; use " + FORMS);
            }
            String key = words[j].substring(0, eq);
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown field '" + key + "'; the fields are " + KEYS.stream()
                        .sorted().toList());
            }
            if (fields.put(key, words[j].substring(eq + 1)) != null) {
                throw new IllegalArgumentException("field '" + key + "' is given twice");
            }
        }
        if (fields.containsKey("payload") && (fields.containsKey("in") || fields.containsKey("out"))) {
            throw new IllegalArgumentException("give either payload= or in=/out=, not both");
        }
        String tasks = fields.get("tasks");
        if (tasks == null) {
            throw new IllegalArgumentException("kind '" + words[1] + "' needs tasks=N");
        }
        int n;
        try {
            n = Integer.parseInt(tasks);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tasks='" + tasks + "' is not a whole number between 1 and "
                    + TaskKind.MAX_TASKS, e);
        }
        Duration cpu = duration(fields, "cpu");
        Duration wait = duration(fields, "wait");
        long in = size(fields, fields.containsKey("payload") ? "payload" : "in");
        long out = size(fields, fields.containsKey("payload") ? "payload" : "out");
        return new TaskKind(words[1], n, cpu, wait, in, out);
    }

    private static Duration duration(Map<String, String> fields, String key) {
        String v = fields.get(key);
        try {
            return v == null ? Duration.ZERO : Units.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static long size(Map<String, String> fields, String key) {
        String v = fields.get(key);
        try {
            return v == null ? 0 : Units.parseSize(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }
}
