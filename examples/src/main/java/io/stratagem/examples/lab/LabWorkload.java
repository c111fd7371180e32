package io.stratagem.examples.lab;

import io.stratagem.Profile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * What the lab runs: one or more task kinds and how their tasks arrive. Immutable.
 *
 * @param kinds   the task kinds, with distinct names; at least one
 * @param arrival how tasks are submitted
 */
public record LabWorkload(List<TaskKind> kinds, Arrival arrival) {

    /** Most tasks in one workload. */
    public static final int MAX_TOTAL_TASKS = 100_000;

    public LabWorkload {
        kinds = List.copyOf(Objects.requireNonNull(kinds, "kinds"));
        Objects.requireNonNull(arrival, "arrival");
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("a workload needs at least one task kind");
        }
        if (kinds.stream().map(TaskKind::name).distinct().count() != kinds.size()) {
            throw new IllegalArgumentException("task kind names must be distinct, were " + kinds.stream()
                    .map(TaskKind::name).toList());
        }
        long total = kinds.stream().mapToLong(TaskKind::tasks).sum();
        if (total > MAX_TOTAL_TASKS) {
            throw new IllegalArgumentException(
                    "a workload may have at most " + MAX_TOTAL_TASKS + " tasks in all, had " + total);
        }
    }

    /**
     * The default: a small service mixing waiting calls, light CPU work and heavy CPU work, all submitted at once.
     * About 0.75 s of CPU and 2.5 s of waiting in all, so every backend finishes it in seconds on two cores.
     */
    public static LabWorkload defaultWorkload() {
        return new LabWorkload(List.of(
                new TaskKind("wait-call", 48, Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(50), 1024, 1024),
                new TaskKind("light-cpu", 24, Duration.ofMillis(3), Duration.ofMillis(2), 4096, 4096),
                new TaskKind("heavy-cpu", 8, Duration.ofMillis(80), Duration.ZERO, 64 * 1024, 64 * 1024)),
                Arrival.allAtOnce());
    }

    /** All tasks of all kinds. */
    public int totalTasks() {
        return kinds.stream().mapToInt(TaskKind::tasks).sum();
    }

    /** CPU time of all tasks together. */
    public Duration totalCpu() {
        return kinds.stream().map(k -> k.cpuTime().multipliedBy(k.tasks())).reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * One profile standing for the whole mix: each field is the task-weighted mean over the kinds, so that
     * {@code tasks × profile} has the workload's total CPU, waiting and payload. This is what the lab asks the
     * classifier about; the per-kind recommendations are shown beside it.
     */
    public Profile aggregateProfile() {
        int n = totalTasks();
        long cpu = 0;
        long wait = 0;
        long in = 0;
        long out = 0;
        for (TaskKind k : kinds) {
            cpu += k.cpuTime().toNanos() * k.tasks();
            wait += k.waitTime().toNanos() * k.tasks();
            in += k.inputBytes() * k.tasks();
            out += k.outputBytes() * k.tasks();
        }
        return Profile.mixed(Duration.ofNanos(cpu / n), Duration.ofNanos(wait / n)).withPayload(in / n, out / n);
    }

    /**
     * The kinds of all tasks in submission order: interleaved as a service sees them, shuffled with a fixed seed so
     * every backend gets the same order.
     */
    public List<TaskKind> submissionOrder() {
        List<TaskKind> order = new ArrayList<>(totalTasks());
        for (TaskKind k : kinds) {
            for (int i = 0; i < k.tasks(); i++) {
                order.add(k);
            }
        }
        java.util.Collections.shuffle(order, new Random(42));
        return order;
    }
}
