package io.stratagem.async;

import java.util.List;

/**
 * The combined failures of a {@link TaskGroup} (asyncio's {@code ExceptionGroup}): every child (and body) failure, in
 * the order they happened. The first is also the cause; the rest are suppressed exceptions.
 */
public final class TaskGroupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<Throwable> errors;

    TaskGroupException(List<Throwable> errors) {
        super(errors.size() + " task(s) of the group failed; first: " + errors.get(0), errors.get(0));
        this.errors = List.copyOf(errors);
        for (int i = 1; i < errors.size(); i++) {
            addSuppressed(errors.get(i));
        }
    }

    /** Every failure, in the order they happened. */
    public List<Throwable> errors() {
        return errors;
    }
}
