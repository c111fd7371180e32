package io.stratagem.async;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How one gathered future ended, for {@link EventLoop#gatherReturningExceptions}: asyncio's
 * {@code gather(..., return_exceptions=True)}, where failures come back as results. Immutable.
 */
public sealed interface Outcome<T> {

    /** It completed with {@code value}. */
    record Success<T>(T value) implements Outcome<T> {
    }

    /** It failed (or was cancelled) with {@code error}, unwrapped from {@code CompletionException}. */
    record Failure<T>(Throwable error) implements Outcome<T> {
        public Failure {
            if (error == null) {
                throw new IllegalArgumentException("error must not be null");
            }
        }
    }

    /** Whether this is a {@link Success}. */
    default boolean succeeded() {
        return this instanceof Success<T>;
    }

    /** The outcome of a completion with {@code value} or {@code error}. */
    static <T> Outcome<T> of(T value, Throwable error) {
        return error == null ? new Success<>(value) : new Failure<>(unwrap(error));
    }

    /** {@code e} without {@code CompletionException}/{@code ExecutionException} wrappers. */
    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
