package io.stratagem.examples.lab;

import java.util.List;

/**
 * What one run of a workload on one strategy measured. Times in milliseconds.
 *
 * @param makespanMs     first submit to last completion
 * @param throughputPerSec completed tasks per second of makespan
 * @param p50Ms          median latency (submit to completion) over all tasks
 * @param p99Ms          99th percentile latency
 * @param cpuMs          CPU used meanwhile by this JVM and its child processes (the workers), as the OS counts it
 * @param taskCpuMs      the sum of the tasks' own CPU times as the backend measured them, or -1 if it could not
 * @param tasks          tasks submitted
 * @param failed         tasks that failed or were cancelled
 * @param firstFailure   the first failure's message, or empty
 * @param peakRunning    most tasks running at one instant
 * @param osThreads      distinct OS threads that ran tasks
 * @param processes      distinct processes that ran tasks
 * @param kinds          latency per task kind
 */
public record Measurement(double makespanMs, double throughputPerSec, double p50Ms, double p99Ms, double cpuMs,
                          double taskCpuMs, int tasks, int failed, String firstFailure, int peakRunning,
                          int osThreads, int processes, List<KindLatency> kinds) {

    public Measurement {
        kinds = List.copyOf(kinds);
    }

    /** CPU used per second of makespan: about 1 when the work was serialized, up to the core count in parallel. */
    public double coresBusy() {
        return makespanMs <= 0 ? 0 : cpuMs / makespanMs;
    }

    /**
     * Latency of one task kind.
     *
     * @param kind  the kind's name
     * @param p50Ms median latency
     * @param p99Ms 99th percentile latency
     */
    public record KindLatency(String kind, double p50Ms, double p99Ms) {
    }
}
