package io.stratagem;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** The cause of a task's failure when it ran past the timeout given at submit; the work was stopped. */
public class TaskTimedOutException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    private final transient Duration timeout;

    public TaskTimedOutException(long taskId, Duration timeout) {
        super("task " + taskId + " did not finish within " + timeout + " and was stopped");
        this.timeout = timeout;
    }

    /** The timeout that expired. */
    public Duration timeout() {
        return timeout;
    }
}
