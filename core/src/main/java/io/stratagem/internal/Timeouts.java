package io.stratagem.internal;

import io.stratagem.spi.TaskRun;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Per-task timeouts: one daemon timer thread for the whole JVM (like {@code CompletableFuture}'s delayer), whose
 * entries are removed as soon as their task ends, so finished tasks are not retained until their deadline.
 */
public final class Timeouts {
    private Timeouts() {
    }

    private static final class Holder {
        static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "stratagem-timeouts");
                th.setDaemon(true);
                return th;
            });
            t.setRemoveOnCancelPolicy(true);
            return t;
        }
    }

    /** Asks {@code run} to stop with the supplied reason if it has not ended {@code nanos} from now. */
    public static void stopAfter(TaskRun<?> run, long nanos, Supplier<? extends Throwable> reason) {
        ScheduledFuture<?> f = Holder.TIMER.schedule(() -> {
            run.requestStop(reason.get(), true);
        }, nanos, TimeUnit.NANOSECONDS);
        run.whenComplete((v, e) -> f.cancel(false));
    }
}
