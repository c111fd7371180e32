package io.stratagem.gil.internal;

import io.stratagem.gil.GilThread;
import io.stratagem.spi.BasicTaskContext;
import io.stratagem.spi.TaskRun;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A task's context on a GIL pool thread: each call first honours cancellation, then maps onto the thread's GIL handle
 * ({@code checkpoint} is the eval-breaker check, {@code blocking} and {@code sleep} release the lock). Confined to the
 * runner thread.
 */
public final class GilTaskContext extends BasicTaskContext {

    private final GilThread gil;

    public GilTaskContext(TaskRun<?> run, GilThread gil) {
        super(run);
        this.gil = Objects.requireNonNull(gil, "gil");
    }

    @Override
    public void checkpoint() {
        run.checkNotStopped();
        gil.checkpoint();
    }

    @Override
    public <R> R blocking(Callable<R> call) throws Exception {
        Objects.requireNonNull(call, "call");
        run.checkNotStopped();
        return gil.releasing(call);
    }

    @Override
    public void sleep(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("sleep duration must be >= 0, was " + duration);
        }
        run.checkNotStopped();
        try {
            gil.releasing(() -> {
                run.sleepUnlessStopped(duration);
                return null;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unexpected checked exception from a sleep", e);
        }
    }
}
