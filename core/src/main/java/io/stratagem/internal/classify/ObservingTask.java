package io.stratagem.internal.classify;

import io.stratagem.Profile;
import io.stratagem.Task;
import io.stratagem.TaskContext;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Runs a task and measures it where it runs: CPU time from {@link ThreadMXBean} (on platform threads; a virtual
 * thread has none, so its CPU is wall time minus the waits it made through its context), and the time spent waiting
 * through {@link TaskContext#sleep} and {@link TaskContext#blocking}. Serializable, so a worker process measures
 * the task and sends the numbers back with the result.
 *
 * <p>The body sees {@code runId}, the id of the caller's handle, as its {@link TaskContext#taskId()}, not the id the
 * backend gave this wrapper. {@code onStart}, if not null, is called before the body and says whether the caller's
 * run may start: false (it was withdrawn meanwhile) and the body never runs. It is not serializable, so it must be
 * null for a task sent to a worker process. A record, so the process pool sends it in its compact record form.
 *
 * @param body    the caller's task
 * @param runId   the id of the caller's handle
 * @param onStart starts the caller's run when the backend starts this task; null when the run was started already
 */
public record ObservingTask<T>(Task<T> body, long runId, BooleanSupplier onStart) implements Task<Observed<T>> {

    public ObservingTask {
        Objects.requireNonNull(body, "body");
    }

    @Override
    public Observed<T> run(TaskContext ctx) throws Exception {
        if (onStart != null && !onStart.getAsBoolean()) {
            throw new CancellationException("task " + runId + " was cancelled before it started");
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpuClock = mx.isCurrentThreadCpuTimeSupported() && !Thread.currentThread().isVirtual();
        Measuring m = new Measuring(ctx, runId);
        long wall0 = System.nanoTime();
        long cpu0 = cpuClock ? mx.getCurrentThreadCpuTime() : -1;
        T value = body.run(m);
        long cpu1 = cpuClock ? mx.getCurrentThreadCpuTime() : -1;
        long wall = System.nanoTime() - wall0;
        long cpu = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : Math.max(0, wall - m.waited);
        return new Observed<>(value, cpu, Math.min(m.waited, wall), wall);
    }

    @Override
    public Optional<Profile> profile() {
        return body.profile();
    }

    @Override
    public String name() {
        return body.name();
    }

    /** The context the task sees: the backend's, with the caller's task id, timing the waits. Used by the one thread running the task. */
    private static final class Measuring implements TaskContext {
        private final TaskContext ctx;
        private final long taskId;
        private long waited;

        Measuring(TaskContext ctx, long taskId) {
            this.ctx = ctx;
            this.taskId = taskId;
        }

        @Override
        public long taskId() {
            return taskId;
        }

        @Override
        public void checkpoint() {
            ctx.checkpoint();
        }

        @Override
        public <R> R blocking(Callable<R> call) throws Exception {
            long t0 = System.nanoTime();
            try {
                return ctx.blocking(call);
            } finally {
                waited += System.nanoTime() - t0;
            }
        }

        @Override
        public void sleep(Duration duration) {
            long t0 = System.nanoTime();
            try {
                ctx.sleep(duration);
            } finally {
                waited += System.nanoTime() - t0;
            }
        }

        @Override
        public boolean isCancelled() {
            return ctx.isCancelled();
        }
    }
}
