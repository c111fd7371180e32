package io.stratagem.async;

/** An {@link AsyncQueue} operation after {@code shutdown} (Python 3.13's {@code QueueShutDown}). */
public final class QueueShutDownException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    QueueShutDownException(String message) {
        super(message);
    }
}
