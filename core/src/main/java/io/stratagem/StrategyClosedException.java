package io.stratagem;

import java.util.concurrent.RejectedExecutionException;

/** Thrown by {@code submit} after {@link Strategy#close()} or {@link Strategy#shutdownNow()} began. */
public class StrategyClosedException extends RejectedExecutionException {
    private static final long serialVersionUID = 1L;

    public StrategyClosedException(String strategy) {
        super(strategy + " is shut down and accepts no more tasks; create a new strategy");
    }
}
