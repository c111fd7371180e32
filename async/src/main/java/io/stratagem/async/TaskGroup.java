package io.stratagem.async;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A structured scope of tasks on one loop (asyncio's {@code TaskGroup}), opened by {@link EventLoop#taskGroup}.
 *
 * <h2>Implementation overview</h2>
 * The group is open while its body's stage is pending or any child is; it ends when both the body and every child
 * have ended. The first failure (of a child or the body) <em>aborts</em> the group: every unfinished child and the
 * body's stage are cancelled, no new child may be spawned, and the group fails with a {@link TaskGroupException}
 * holding every failure (cancellations caused by the abort are not failures). Cancelling the group's future aborts it
 * the same way; it then ends cancelled once every child has stopped. All state is confined to the loop thread.
 */
public final class TaskGroup {

    private final EventLoop loop;
    private final List<LoopTask<?>> children = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final GroupFuture<Object> result;
    private CompletableFuture<?> bodyStage;
    private Object bodyValue;
    private boolean bodyDone;
    private boolean aborting;
    private boolean cancelled;
    private int pending;

    private TaskGroup(EventLoop loop) {
        this.loop = loop;
        this.result = new GroupFuture<>(loop, this);
    }

    @SuppressWarnings("unchecked")
    static <R> LoopFuture<R> run(EventLoop loop, Function<TaskGroup, ? extends CompletionStage<R>> body) {
        Objects.requireNonNull(body, "body");
        TaskGroup g = new TaskGroup(loop);
        CompletableFuture<R> stage;
        try {
            stage = Objects.requireNonNull(body.apply(g), "task group body returned null").toCompletableFuture();
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        g.bodyStage = stage;
        if (g.aborting) {
            stage.cancel(true);
        }
        stage.whenComplete((v, e) -> loop.execute(() -> g.bodyEnded(v, e)));
        return (LoopFuture<R>) g.result;
    }

    /**
     * Starts {@code body} as a child task of this group. Loop thread only.
     *
     * @throws IllegalStateException if the group has ended or is aborting (a child failed), or off the loop thread
     */
    public <T> LoopTask<T> spawn(String name, Supplier<? extends CompletionStage<T>> body) {
        loop.checkInLoop("TaskGroup.spawn");
        if (aborting || result.isDone()) {
            throw new IllegalStateException("task group is " + (result.isDone() ? "finished" : "shutting down")
                    + "; cannot spawn " + name);
        }
        LoopTask<T> t = loop.spawn(name, body);
        children.add(t);
        pending++;
        t.whenComplete((v, e) -> loop.execute(() -> childEnded(e)));
        return t;
    }

    /** As {@link #spawn(String, Supplier)} with a generated name. */
    public <T> LoopTask<T> spawn(Supplier<? extends CompletionStage<T>> body) {
        return spawn("group-child-" + (children.size() + 1), body);
    }

    private void childEnded(Throwable e) {
        pending--;
        Throwable cause = Outcome.unwrap(e);
        if (cause != null && !(cause instanceof CancellationException)) {
            errors.add(cause);
            abort();
        }
        maybeEnd();
    }

    private void bodyEnded(Object v, Throwable e) {
        bodyDone = true;
        bodyValue = v;
        Throwable cause = Outcome.unwrap(e);
        if (cause != null && !(cause instanceof CancellationException && aborting)) {
            errors.add(cause);
            abort();
        }
        maybeEnd();
    }

    private void abort() {
        if (aborting) {
            return;
        }
        aborting = true;
        for (LoopTask<?> c : children) {
            if (!c.isDone()) {
                c.cancel(true);
            }
        }
        if (bodyStage != null && !bodyStage.isDone()) {
            bodyStage.cancel(true);
        }
    }

    private void maybeEnd() {
        if (!bodyDone || pending > 0 || result.isDone()) {
            return;
        }
        if (!errors.isEmpty()) {
            result.fail(new TaskGroupException(errors));
        } else if (cancelled) {
            result.cancelNowPublic();
        } else {
            result.succeed(bodyValue);
        }
    }

    private static final class GroupFuture<R> extends LoopFuture<R> {
        private final TaskGroup group;

        GroupFuture(EventLoop loop, TaskGroup group) {
            super(loop);
            this.group = group;
        }

        @Override
        protected boolean cancelHere(boolean mayInterruptIfRunning) {
            if (isDone()) {
                return false;
            }
            group.cancelled = true;
            group.abort();
            group.maybeEnd();
            return true; // ends cancelled once every child has stopped
        }

        void fail(Throwable e) {
            failHere(e);
        }

        @SuppressWarnings("unchecked")
        void succeed(Object v) {
            completeHere((R) v);
        }

        void cancelNowPublic() {
            cancelNow();
        }
    }
}
