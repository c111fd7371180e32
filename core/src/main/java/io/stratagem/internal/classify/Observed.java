package io.stratagem.internal.classify;

import java.io.Serializable;

/**
 * A task's result together with what its execution cost, measured where it ran (in a worker process too).
 *
 * @param value     the task's result
 * @param cpuNanos  CPU time of the execution
 * @param waitNanos time spent in {@code TaskContext.sleep} and {@code blocking}
 * @param wallNanos wall time from start to end
 */
public record Observed<T>(T value, long cpuNanos, long waitNanos, long wallNanos) implements Serializable {
}
