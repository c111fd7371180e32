package io.stratagem.async;

import io.stratagem.async.internal.ContextSnapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A value bound for the extent of a call that follows the work into what it offloads: tasks submitted to
 * {@link AsyncStrategy}, {@link EventLoop#toThread} and {@link EventLoop#toCpu} see the bindings that were current
 * where they were submitted (Python's {@code contextvars}, as {@code asyncio.to_thread} copies them).
 *
 * <p>Bindings are immutable and scoped like {@code ScopedValue} (JDK 25), which this project cannot use while it
 * targets Java 21, where {@code ScopedValue} is a preview API. Thread-safe.
 */
public final class ContextVar<T> {

    private final String name;

    private ContextVar(String name) {
        this.name = name;
    }

    /** A new variable; {@code name} is for {@link #toString()} only. */
    public static <T> ContextVar<T> named(String name) {
        return new ContextVar<>(Objects.requireNonNull(name, "name"));
    }

    /** The value bound on this thread, if any. */
    public Optional<T> find() {
        Map<ContextVar<?>, Object> m = ContextSnapshot.current();
        @SuppressWarnings("unchecked")
        T v = m == null ? null : (T) m.get(this);
        return Optional.ofNullable(v);
    }

    /**
     * The value bound on this thread.
     *
     * @throws java.util.NoSuchElementException if none is bound
     */
    public T get() {
        return find().orElseThrow(() -> new java.util.NoSuchElementException("no value bound for " + this));
    }

    /** Runs {@code body} with this variable bound to {@code value}; the previous bindings return after. */
    public <R> R callWhere(T value, Callable<R> body) throws Exception {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(body, "body");
        Map<ContextVar<?>, Object> m = ContextSnapshot.current();
        Map<ContextVar<?>, Object> next = m == null ? new HashMap<>(4) : new HashMap<>(m);
        next.put(this, value);
        return ContextSnapshot.callWith(Map.copyOf(next), body);
    }

    /** As {@link #callWhere} for code that throws no checked exception. */
    public void runWhere(T value, Runnable body) {
        Objects.requireNonNull(body, "body");
        try {
            callWhere(value, () -> {
                body.run();
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // unreachable: a Runnable throws no checked exception
        }
    }

    @Override
    public String toString() {
        return "ContextVar[" + name + "]";
    }
}
