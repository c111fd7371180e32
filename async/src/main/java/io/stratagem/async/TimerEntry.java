package io.stratagem.async;

import io.stratagem.async.internal.TimerQueue;

import java.util.concurrent.atomic.AtomicInteger;

/** A callback armed by {@link EventLoop#callLater}; its state is a CAS so that cancel and fire race safely. */
final class TimerEntry extends AtomicInteger implements TimerQueue.Timed, TimerHandle {
    private static final int PENDING = 0;
    private static final int FIRED = 1;
    private static final int CANCELLED = 2;
    private final Runnable callback;

    TimerEntry(Runnable callback) {
        this.callback = callback;
    }

    @Override
    public void run() {
        if (compareAndSet(PENDING, FIRED)) {
            callback.run();
        }
    }

    @Override
    public void abandon() {
        compareAndSet(PENDING, CANCELLED);
    }

    @Override
    public boolean cancel() {
        return compareAndSet(PENDING, CANCELLED);
    }

    @Override
    public boolean isCancelled() {
        return get() == CANCELLED;
    }

    @Override
    public String toString() {
        return "timer " + callback;
    }
}
