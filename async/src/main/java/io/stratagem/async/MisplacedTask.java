package io.stratagem.async;

import java.time.Duration;
import java.util.Objects;

/**
 * Tasks of one name that mostly computed instead of waiting: on {@link AsyncStrategy} their busy time (wall time spent
 * outside {@code ctx.sleep} and {@code ctx.blocking}) dominates their run time, so they belong on a CPU backend
 * (threads or the process pool). Immutable; a snapshot.
 *
 * <p>Busy time stands in for CPU time because the JDK does not measure CPU time per virtual thread
 * ({@code ThreadMXBean.getCurrentThreadCpuTime()} returns -1 on one). It over-counts blocking calls that were not
 * wrapped in {@code ctx.blocking}, which is also misplaced work on a loop.
 *
 * @param name      the task name ({@link io.stratagem.Task#name()})
 * @param tasks     how many tasks of that name ended
 * @param busyTime  their total busy time
 * @param runTime   their total run time (start to end)
 * @param busyShare {@code busyTime / runTime}, between 0 and 1
 */
public record MisplacedTask(String name, long tasks, Duration busyTime, Duration runTime, double busyShare) {
    public MisplacedTask {
        Objects.requireNonNull(name, "name");
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be >= 1, was " + tasks);
        }
        if (busyShare < 0 || busyShare > 1) {
            throw new IllegalArgumentException("busyShare must be between 0 and 1, was " + busyShare);
        }
    }
}
