package io.stratagem.async.internal;

import io.stratagem.async.ContextVar;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@link ContextVar} bindings of a thread at one moment, to be installed on the thread that runs offloaded work
 * (Python's {@code contextvars.copy_context()}). Immutable.
 */
public final class ContextSnapshot {

    private static final ThreadLocal<Map<ContextVar<?>, Object>> CURRENT = new ThreadLocal<>();
    // Set once, before the first binding is installed on any thread, and never cleared. A thread that installed
    // bindings wrote it first itself, so it always sees true; until then capture() (once per submitted task) skips the
    // thread-local lookup. Volatile only so that the write is not reordered after the install; it is read-mostly.
    private static volatile boolean everBound;

    private final Map<ContextVar<?>, Object> bindings;

    private ContextSnapshot(Map<ContextVar<?>, Object> bindings) {
        this.bindings = bindings;
    }

    /** The current thread's bindings, or null if it has none (the common, allocation-free case). */
    public static ContextSnapshot capture() {
        if (!everBound) {
            return null;
        }
        Map<ContextVar<?>, Object> m = CURRENT.get();
        return m == null || m.isEmpty() ? null : new ContextSnapshot(m);
    }

    /** The current thread's bindings (possibly null). */
    public static Map<ContextVar<?>, Object> current() {
        return CURRENT.get();
    }

    /** Runs {@code body} with {@code bindings} installed, restoring the previous ones after. */
    public static <R> R callWith(Map<ContextVar<?>, Object> bindings, Callable<R> body) throws Exception {
        Map<ContextVar<?>, Object> previous = CURRENT.get();
        if (bindings != null && !everBound) {
            everBound = true;
        }
        CURRENT.set(bindings);
        try {
            return body.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Runs {@code body} with these bindings installed. */
    public void runWith(Runnable body) {
        try {
            callWith(bindings, () -> {
                body.run();
                return null;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // unreachable: a Runnable throws no checked exception
        }
    }

    /** {@code call} wrapped to run with these bindings (null snapshot: unchanged). */
    public static <R> Callable<R> wrap(ContextSnapshot snapshot, Callable<R> call) {
        return snapshot == null ? call : () -> callWith(snapshot.bindings, call);
    }
}
