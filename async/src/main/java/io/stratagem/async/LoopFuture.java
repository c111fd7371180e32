package io.stratagem.async;

import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link CompletableFuture} that belongs to an {@link EventLoop}: it is completed on the loop thread, so its
 * continuations ({@code thenApply}, {@code whenComplete}, ...) run on the loop, in order, like asyncio callbacks; the
 * {@code ...Async} variants default to the loop as executor. Stages derived from it are {@code LoopFuture}s too.
 *
 * <p><b>Completing from another thread</b> ({@code complete}, {@code completeExceptionally}, {@code cancel}) posts the
 * completion to the loop and returns whether the future was not yet done at the time of the call; it is then
 * completed shortly after, on the loop. A continuation attached from another thread to a future that is already
 * complete runs at once on that thread, as for any {@code CompletableFuture}.
 *
 * <p><b>Cancellation propagates upstream</b>: cancelling a future derived from another ({@code thenApply},
 * {@code thenCompose}, ...) also cancels the future it waits on, as cancelling an asyncio task cancels what it
 * awaits. Failures and cancellation propagate downstream as in any {@code CompletableFuture}.
 *
 * <p>Thread-safe. Created by the loop ({@link EventLoop#newFuture()}, {@link EventLoop#sleep}, ...); do not subclass.
 */
public class LoopFuture<T> extends CompletableFuture<T> {

    private final EventLoop loop;
    /** What this future waits on, for upstream cancellation; written on the loop, read by cancel on any thread. */
    private volatile Future<?> upstream;
    /**
     * Allocation-free completion listeners (loop thread only): null, one listener, an ArrayList of them, or FIRED.
     * A listener is a {@link LoopFuture} (its {@link #awaitedDone} hook runs) or a {@link Listener}.
     */
    private Object listeners;
    /** Created by {@link #newIncompleteFuture()}: completed inside CompletableFuture, so listeners would not fire. */
    private boolean derived;

    private static final Object FIRED = new Object();

    /** A completion listener for the loop's own combinators. */
    interface Listener {
        void done(LoopFuture<?> f);
    }

    /** For the loop's own futures only. */
    protected LoopFuture(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** The loop that completes this future. */
    public final EventLoop loop() {
        return loop;
    }

    /** Records what this future waits on, so that cancelling it cancels that too. */
    protected final void awaiting(Future<?> f) {
        upstream = f;
        if (isCancelled() && f != null) {
            f.cancel(true);
        }
    }

    @Override
    public boolean complete(T value) {
        if (loop.inLoop() || loop.isClosedForCallbacks()) {
            return completeHere(value);
        }
        boolean wasPending = !isDone();
        loop.execute(() -> completeHere(value));
        return wasPending;
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        Objects.requireNonNull(ex, "ex");
        if (loop.inLoop() || loop.isClosedForCallbacks()) {
            return failHere(ex);
        }
        boolean wasPending = !isDone();
        loop.execute(() -> failHere(ex));
        return wasPending;
    }

    /**
     * Cancels this future and whatever it waits on. From another thread the cancellation is posted to the loop.
     *
     * @return whether this future was not yet done
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!loop.inLoop() && !loop.isClosedForCallbacks()) {
            boolean wasPending = !isDone();
            loop.execute(() -> cancel(mayInterruptIfRunning));
            return wasPending;
        }
        boolean cancelled = cancelHere(mayInterruptIfRunning);
        Future<?> up = upstream;
        if (cancelled && up != null && !up.isDone()) {
            up.cancel(mayInterruptIfRunning);
        }
        return cancelled;
    }

    /** Completes this future as cancelled, on the current thread (the loop). Subclasses that stop work override. */
    protected boolean cancelHere(boolean mayInterruptIfRunning) {
        return cancelNow();
    }

    /** Completes this future as cancelled at once, on the calling thread. */
    protected final boolean cancelNow() {
        return fired(super.cancel(false));
    }

    /** Completes on the calling thread, bypassing the hop to the loop; for the loop's own code on the loop thread. */
    protected final boolean completeHere(T value) {
        return fired(super.complete(value));
    }

    /** As {@link #completeHere}, exceptionally. */
    protected final boolean failHere(Throwable ex) {
        return fired(super.completeExceptionally(ex));
    }

    /**
     * Calls {@code listener} (a {@link LoopFuture} or a {@link Listener}) on the loop once this future is done, at once
     * if it already is. Allocation-free for the loop's own futures on the loop thread; otherwise falls back to
     * {@code whenComplete}.
     */
    final void listen(Object listener) {
        if (derived || !loop.inLoop()) {
            whenComplete((v, e) -> Combinators.onLoop(loop, () -> notify(listener, this)));
            return;
        }
        Object ls = listeners;
        if (ls == FIRED || isDone()) {
            notify(listener, this);
        } else if (ls == null) {
            listeners = listener;
        } else if (ls instanceof ArrayList<?> list) {
            @SuppressWarnings("unchecked")
            ArrayList<Object> l = (ArrayList<Object>) list;
            l.add(listener);
        } else {
            ArrayList<Object> l = new ArrayList<>(2);
            l.add(ls);
            l.add(listener);
            listeners = l;
        }
    }

    /** Hook for a future that awaits this one through {@link #listen}; runs on the loop. */
    void awaitedDone(LoopFuture<?> awaited) {
    }

    private boolean fired(boolean completedNow) {
        if (completedNow) {
            Object ls = listeners;
            listeners = FIRED;
            if (ls instanceof ArrayList<?> list) {
                for (Object l : list) {
                    notify(l, this);
                }
            } else if (ls != null && ls != FIRED) {
                notify(ls, this);
            }
        }
        return completedNow;
    }

    private static void notify(Object listener, LoopFuture<?> f) {
        if (listener instanceof LoopFuture<?> w) {
            w.awaitedDone(f);
        } else {
            ((Listener) listener).done(f);
        }
    }

    @Override
    public <U> LoopFuture<U> newIncompleteFuture() {
        LoopFuture<U> f = new LoopFuture<>(loop);
        f.upstream = this;
        f.derived = true;
        return f;
    }

    @Override
    public Executor defaultExecutor() {
        return loop;
    }

    /** As {@link CompletableFuture#thenCompose}, remembering the inner stage so that cancelling the result cancels it. */
    @Override
    public <U> LoopFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        Objects.requireNonNull(fn, "fn");
        LoopFuture<U> result = new LoopFuture<>(loop);
        result.upstream = this;
        whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
                return;
            }
            CompletionStage<U> inner;
            try {
                inner = Objects.requireNonNull(fn.apply(v), "thenCompose function returned null");
            } catch (Throwable t) {
                result.completeExceptionally(t);
                return;
            }
            result.awaiting(inner.toCompletableFuture());
            inner.whenComplete((u, e2) -> {
                if (e2 != null) {
                    result.completeExceptionally(e2);
                } else {
                    result.complete(u);
                }
            });
        });
        return result;
    }

    // Covariant overrides: derived stages are LoopFutures (see newIncompleteFuture), so callers keep the loop's type.

    @Override
    public <U> LoopFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return (LoopFuture<U>) super.thenApply(fn);
    }

    @Override
    public LoopFuture<Void> thenAccept(Consumer<? super T> action) {
        return (LoopFuture<Void>) super.thenAccept(action);
    }

    @Override
    public LoopFuture<Void> thenRun(Runnable action) {
        return (LoopFuture<Void>) super.thenRun(action);
    }

    @Override
    public LoopFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return (LoopFuture<T>) super.whenComplete(action);
    }

    @Override
    public <U> LoopFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return (LoopFuture<U>) super.handle(fn);
    }

    @Override
    public LoopFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return (LoopFuture<T>) super.exceptionally(fn);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "@" + Integer.toHexString(hashCode()) + super.toString()
                .substring(super.toString().indexOf('['));
    }
}
