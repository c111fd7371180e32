package io.stratagem.spi;

import io.stratagem.TaskContext;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The context of a task that runs on a thread of this JVM with no lock to release: checkpoint and sleep only honour
 * cancellation. Backends extend it to add their own switching (the GIL, the loop). Confined to the runner thread.
 */
public class BasicTaskContext implements TaskContext {

    protected final TaskRun<?> run;

    public BasicTaskContext(TaskRun<?> run) {
        this.run = Objects.requireNonNull(run, "run");
    }

    @Override
    public long taskId() {
        return run.id();
    }

    @Override
    public void checkpoint() {
        run.checkNotStopped();
    }

    @Override
    public <R> R blocking(Callable<R> call) throws Exception {
        Objects.requireNonNull(call, "call");
        run.checkNotStopped();
        return call.call();
    }

    @Override
    public void sleep(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        run.sleepUnlessStopped(duration);
    }

    @Override
    public boolean isCancelled() {
        return run.isStopRequested();
    }

    /**
     * Called by {@link TaskRun#execute} on the runner thread once the task has returned or thrown, before its handle
     * completes, so that what a backend records here (statistics, say) happens-before anyone sees the handle done.
     * Default: nothing. Must not block.
     *
     * @param runNanos time from the task's start to its end
     */
    protected void ran(long runNanos) {
    }
}
