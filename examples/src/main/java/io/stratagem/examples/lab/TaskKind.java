package io.stratagem.examples.lab;

import io.stratagem.Profile;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One kind of task in a lab workload: how many of them, how much CPU each burns, how long each waits, and how many
 * bytes it carries in and out. Immutable; validated on construction.
 *
 * @param name        a short name for reports ({@code [a-z0-9_-]}, 1 to 32 characters)
 * @param tasks       how many tasks of this kind, 1 to {@value #MAX_TASKS}
 * @param cpuTime     CPU time each task burns, up to 10 s
 * @param waitTime    time each task waits without a CPU, up to 10 s
 * @param inputBytes  bytes each task captures (they cross the pipe on the process pool), up to 64 MiB
 * @param outputBytes bytes each task returns, up to 64 MiB
 */
public record TaskKind(String name, int tasks, Duration cpuTime, Duration waitTime, long inputBytes, long outputBytes) {

    /** Most tasks of one kind. */
    public static final int MAX_TASKS = 100_000;
    /** Longest CPU or wait time per task. */
    public static final Duration MAX_TIME = Duration.ofSeconds(10);
    /** Largest payload per task and direction. */
    public static final long MAX_PAYLOAD = 64L << 20;

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");

    public TaskKind {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "kind name must be 1 to 32 characters of a-z, 0-9, '_' or '-', was '" + name + "'");
        }
        if (tasks < 1 || tasks > MAX_TASKS) {
            throw new IllegalArgumentException("tasks must be between 1 and " + MAX_TASKS + ", was " + tasks);
        }
        checkTime("cpu", cpuTime);
        checkTime("wait", waitTime);
        checkBytes("input", inputBytes);
        checkBytes("output", outputBytes);
    }

    /** What each task of this kind declares to the classifier. */
    public Profile profile() {
        return Profile.mixed(cpuTime, waitTime).withPayload(inputBytes, outputBytes);
    }

    private static void checkTime(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.compareTo(MAX_TIME) > 0) {
            throw new IllegalArgumentException(field + " must be between 0 and 10s, was " + Units.format(d));
        }
    }

    private static void checkBytes(String field, long bytes) {
        if (bytes < 0 || bytes > MAX_PAYLOAD) {
            throw new IllegalArgumentException(
                    field + " payload must be between 0 and 64MiB, was " + Units.formatSize(bytes));
        }
    }
}
