package io.stratagem.async;

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
final class Combinators {
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

    static <T> LoopFuture<List<T>> gather(EventLoop loop, List<? extends CompletionStage<? extends T>> stages) {
        List<CompletableFuture<? extends T>> children = futures(stages);
        ParentFuture<List<T>> out = new ParentFuture<>(loop, children);
        int n = children.size();
        Object[] results = new Object[n];
        int[] left = {n};
        if (n == 0) {
            onLoop(loop, () -> out.succeed(List.of()));
        }
        GatherState<T> state = new GatherState<>(out, n);
        for (int i = 0; i < n; i++) {
            CompletableFuture<? extends T> c = children.get(i);
            if (c instanceof LoopFuture<? extends T> lf && lf.loop() == loop) {
                lf.listen(new GatherSlot(state, i)); // one small object per child instead of three
            } else {
                int index = i;
                c.whenComplete((v, e) -> onLoop(loop, () -> state.done(index, v, e)));
            }
        }
        return out;
    }

    /** gather's state, touched on the loop thread only. */
    private static final class GatherState<T> {
        final ParentFuture<List<T>> out;
        final Object[] results;
        int left;

        GatherState(ParentFuture<List<T>> out, int n) {
            this.out = out;
            this.results = new Object[n];
            this.left = n;
        }

        void done(int index, Object v, Throwable e) {
            if (out.isDone()) {
                return; // an earlier failure or a cancel decided already; this child ran on, as in asyncio
            }
            if (e != null) {
                out.fail(Outcome.unwrap(e));
                return;
            }
            results[index] = v;
            if (--left == 0) {
                @SuppressWarnings("unchecked")
                List<T> list = (List<T>) Collections.unmodifiableList(Arrays.asList(results));
                out.succeed(list);
            }
        }
    }

    private record GatherSlot(GatherState<?> state, int index) implements LoopFuture.Listener {
        @Override
        public void done(LoopFuture<?> f) {
            switch (f.state()) {
                case SUCCESS -> state.done(index, f.resultNow(), null);
                case FAILED -> state.done(index, null, f.exceptionNow());
                default -> state.done(index, null, new java.util.concurrent.CancellationException("child cancelled"));
            }
        }
    }

    static <T> LoopFuture<List<Outcome<T>>> gatherOutcomes(EventLoop loop,
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

    static <T> LoopFuture<T> waitFor(EventLoop loop, CompletionStage<T> work, long timeoutNanos) {
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

    static <T> List<LoopFuture<T>> asCompleted(EventLoop loop, List<? extends CompletionStage<? extends T>> stages) {
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
    static void onLoop(EventLoop loop, Runnable r) {
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
