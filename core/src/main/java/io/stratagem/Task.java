package io.stratagem;

import io.stratagem.internal.DescribedTask;

import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * A unit of work that runs the same way on every backend.
 *
 * <p>A task is {@link Serializable} so that a lambda can cross into a worker process: capture only serializable
 * values (never the enclosing {@code this} of a non-serializable class). In-process backends never serialize it.
 *
 * <pre>{@code
 * Task<Long> count = ctx -> {
 *     long n = 0;
 *     for (int i = 0; i < 50_000_000; i++) {
 *         n += i % 7;
 *         if ((i & 0xFFFF) == 0) ctx.checkpoint();   // lets the GIL switch, lets cancellation in
 *     }
 *     return n;
 * };
 * }</pre>
 *
 * @param <T> the result type; it must be serializable to run on the process pool
 */
@FunctionalInterface
public interface Task<T> extends Serializable {

    /**
     * Does the work. Call {@link TaskContext#checkpoint()} in long loops so that the task can be switched out and
     * cancelled.
     *
     * @throws Exception any failure; it reaches the caller as the cause of the handle's exception, unchanged
     */
    T run(TaskContext ctx) throws Exception;

    /** What this task declares about its costs, if anything; the classifier and the auto strategy use it. */
    default Optional<Profile> profile() {
        return Optional.empty();
    }

    /** A stable name for this kind of task, used in logs and reports; by default derived from the class. */
    default String name() {
        return DescribedTask.defaultName(this);
    }

    /** {@code body} with a declared profile. */
    static <T> Task<T> of(Profile profile, Task<T> body) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(body, "body");
        return new DescribedTask<>(body.name(), profile, body);
    }

    /** {@code body} with a name for logs and reports, and a declared profile. */
    static <T> Task<T> of(String name, Profile profile, Task<T> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(body, "body");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return new DescribedTask<>(name, profile, body);
    }
}
