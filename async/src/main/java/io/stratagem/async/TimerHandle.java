package io.stratagem.async;

/** A callback scheduled with {@link EventLoop#callLater}; cancelling it before it is due means it never runs. Thread-safe. */
public interface TimerHandle {
    /**
     * Cancels the callback. Never blocks.
     *
     * @return false if it had already run or been cancelled
     */
    boolean cancel();

    /** Whether it was cancelled. */
    boolean isCancelled();
}
