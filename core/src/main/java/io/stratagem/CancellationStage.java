package io.stratagem;

/**
 * What stopped a cancelled (or timed-out) task: the mildest stage that worked. Stages escalate in this order.
 */
public enum CancellationStage {
    /** The task had not started; it never will. */
    NOT_STARTED,
    /** The task saw the request at a {@link TaskContext#checkpoint()} (or a cancellable wait) and stopped. */
    CHECKPOINT,
    /** The task's thread was interrupted and the task then stopped. */
    INTERRUPT,
    /** The task did not stop within the grace period; its worker process was killed and replaced. */
    KILLED,
    /** The task was asked to stop but finished its work anyway; the result was discarded. */
    IGNORED
}
