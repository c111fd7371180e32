package io.stratagem;

/** Where a submitted task is in its life. Every task ends in exactly one of the three terminal states. */
public enum TaskState {
    /** Accepted, not yet started. */
    QUEUED,
    /** Running; a cancellation may have been requested. */
    RUNNING,
    /** Ended with a result. */
    SUCCEEDED,
    /** Ended with an exception (the task's own, a crash of its worker, or a timeout). */
    FAILED,
    /** Ended because it was cancelled, before or while running. */
    CANCELLED;

    /** Whether this state is terminal. */
    public boolean isDone() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
