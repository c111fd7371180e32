package io.stratagem.async.internal;

import io.stratagem.async.EventLoop;
import io.stratagem.async.LoopFuture;
import io.stratagem.async.Outcome;
import io.stratagem.async.TimerHandle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * asyncio's combinators over {@link LoopFuture}s. Each keeps its state on the loop thread: a child's completion is
 * handled there (posted if it completed elsewhere), so counters and result arrays need no synchronization.
 */
public final class Combinators {
    private Combinators() {
    }

    /** A future whose cancellation cancels its children (gather, waitFor). */
    static final class ParentFuture<T> extends LoopFuture<T> {
        private final List<? extends CompletableFuture<?>> children;

        ParentFuture(EventLoop loop, List<? extends CompletableFuture<?>> children) {
            super(loop);
            this.children = children;
        }

        @Override
        protected boolean cancelHere(boolean mayInterruptIfRunning) {
            boolean cancelled = cancelNow();
            if (cancelled) {
                for (CompletableFuture<?> c : children) {
                    c.cancel(mayInterruptIfRunning);
                }
            }
            return cancelled;
        }

        void fail(Throwable e) {
            failHere(e);
        }

        void succeed(T v) {
            completeHere(v);
        }
    }

    public static <T> LoopFuture<List<T>> gather(EventLoop loop, List<? extends CompletionStage<? extends T>> stages) {
        List<CompletableFuture<? extends T>> children = futures(stages);
        ParentFuture<List<T>> out = new ParentFuture<>(loop, children);
        int n = children.size();
        Object[] results = new Object[n];
        int[] left = {n};
        if (n == 0) {
            onLoop(loop, () -> out.succeed(List.of()));
        }
        for (int i = 0; i < n; i++) {
            int index = i;
            children.get(i).whenComplete((v, e) -> onLoop(loop, () -> {
                if (out.isDone()) {
                    return; // an earlier failure or a cancel decided already; this child ran on, as in asyncio
                }
                if (e != null) {
                    out.fail(Outcome.unwrap(e));
                    return;
                }
                results[index] = v;
                if (--left[0] == 0) {
                    @SuppressWarnings("unchecked")
                    List<T> list = (List<T>) Collections.unmodifiableList(Arrays.asList(results));
                    out.succeed(list);
                }
            }));
        }
        return out;
    }

    public static <T> LoopFuture<List<Outcome<T>>> gatherOutcomes(EventLoop loop,
                                                                  List<? extends CompletionStage<? extends T>> stages) {
        List<CompletableFuture<? extends T>> children = futures(stages);
        ParentFuture<List<Outcome<T>>> out = new ParentFuture<>(loop, children);
        int n = children.size();
        @SuppressWarnings("unchecked")
        Outcome<T>[] results = new Outcome[n];
        int[] left = {n};
        if (n == 0) {
            onLoop(loop, () -> out.succeed(List.of()));
        }
        for (int i = 0; i < n; i++) {
            int index = i;
            children.get(i).whenComplete((v, e) -> onLoop(loop, () -> {
                results[index] = Outcome.of(v, e);
                if (--left[0] == 0 && !out.isDone()) {
                    out.succeed(List.of(results));
                }
            }));
        }
        return out;
    }

    public static <T> LoopFuture<T> waitFor(EventLoop loop, CompletionStage<T> work, long timeoutNanos) {
        CompletableFuture<T> inner = Objects.requireNonNull(work, "work").toCompletableFuture();
        ParentFuture<T> out = new ParentFuture<>(loop, List.of(inner));
        boolean[] timedOut = {false};
        TimerHandle timer = loop.callLater(Duration.ofNanos(timeoutNanos), () -> {
            if (!inner.isDone()) {
                timedOut[0] = true;
                inner.cancel(true); // out completes once inner has really stopped
            }
        });
        inner.whenComplete((v, e) -> onLoop(loop, () -> {
            timer.cancel();
            if (out.isDone()) {
                return;
            }
            if (timedOut[0]) {
                out.fail(new TimeoutException("timed out after " + Duration.ofNanos(timeoutNanos)
                        + "; the work was cancelled and has stopped"));
            } else if (e != null) {
                out.fail(Outcome.unwrap(e));
            } else {
                out.succeed(v);
            }
        }));
        return out;
    }

    public static <T> List<LoopFuture<T>> asCompleted(EventLoop loop, List<? extends CompletionStage<? extends T>> stages) {
        List<CompletableFuture<? extends T>> children = futures(stages);
        List<LoopFuture<T>> slots = new ArrayList<>(children.size());
        for (int i = 0; i < children.size(); i++) {
            slots.add(loop.newFuture());
        }
        int[] next = {0};
        for (CompletableFuture<? extends T> c : children) {
            c.whenComplete((v, e) -> onLoop(loop, () -> {
                LoopFuture<T> slot = slots.get(next[0]++);
                if (e != null) {
                    slot.completeExceptionally(Outcome.unwrap(e));
                } else {
                    slot.complete(v);
                }
            }));
        }
        return List.copyOf(slots);
    }

    /** Runs {@code r} on the loop: now if already there, else posted (or directly, if the loop is closed). */
    public static void onLoop(EventLoop loop, Runnable r) {
        if (loop.inLoop() || loop.isClosed()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private static <T> List<CompletableFuture<? extends T>> futures(List<? extends CompletionStage<? extends T>> stages) {
        Objects.requireNonNull(stages, "children");
        List<CompletableFuture<? extends T>> out = new ArrayList<>(stages.size());
        for (CompletionStage<? extends T> s : stages) {
            out.add(Objects.requireNonNull(s, "child").toCompletableFuture());
        }
        return out;
    }
}
