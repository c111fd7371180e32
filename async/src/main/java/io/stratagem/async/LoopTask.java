package io.stratagem.async;

import io.stratagem.async.internal.ContextSnapshot;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A unit of asynchronous work on an {@link EventLoop} (asyncio's {@code Task}): its body runs on the loop in a later
 * iteration and returns the stage that will hold its result; the task completes with that stage's outcome.
 *
 * <p>The body runs with the {@link ContextVar} bindings of the thread that spawned the task (asyncio copies the
 * context at {@code create_task}), so work it offloads inherits them too.
 *
 * <p>{@link #cancel(boolean)} of a task that has not started completes it cancelled at once and its body never runs.
 * For a started task it <em>requests</em> cancellation: it cancels the stage the task waits on (which propagates
 * further up through {@link LoopFuture}s), and the task completes as cancelled when that stage has stopped, so
 * {@code join()} after {@code cancel} waits for the work to end. Thread-safe.
 */
public final class LoopTask<T> extends LoopFuture<T> implements Runnable {

    private final String name;
    private Supplier<? extends CompletionStage<T>> body; // loop thread only; null once started
    private final ContextSnapshot context = ContextSnapshot.capture(); // asyncio's create_task copies the context
    private volatile boolean started;
    private volatile boolean cancelRequested;

    LoopTask(EventLoop loop, String name, Supplier<? extends CompletionStage<T>> body) {
        super(loop);
        this.name = Objects.requireNonNull(name, "name");
        this.body = Objects.requireNonNull(body, "body");
    }

    /** The task's name, for logs and slow-callback reports. */
    public String name() {
        return name;
    }

    /** Runs the body; called once by the loop. */
    @Override
    public void run() {
        Supplier<? extends CompletionStage<T>> b = body;
        body = null;
        if (b == null || isDone()) {
            return;
        }
        started = true;
        CompletableFuture<T> stage;
        try {
            CompletionStage<T> s = context == null ? b.get() : ContextSnapshot.wrap(context, b::get).call();
            stage = Objects.requireNonNull(s, "task body returned null").toCompletableFuture();
        } catch (Throwable t) {
            failHere(t);
            return;
        }
        awaiting(stage);
        if (stage == this) {
            failHere(new IllegalStateException("task " + name + " awaits itself"));
            return;
        }
        if (stage instanceof LoopFuture<T> lf && lf.loop() == loop()) {
            lf.listen(this); // allocation-free: a million waiting tasks cost a million fewer callbacks
            return;
        }
        stage.whenComplete((v, e) -> {
            Runnable finish = () -> {
                if (cancelRequested) {
                    cancelNow();
                } else if (e != null) {
                    failHere(e);
                } else {
                    completeHere(v);
                }
            };
            if (loop().inLoop()) {
                finish.run();
            } else {
                loop().execute(finish);
            }
        });
    }

    @Override
    void awaitedDone(LoopFuture<?> awaited) {
        if (cancelRequested || awaited.isCancelled()) {
            cancelNow();
            return;
        }
        switch (awaited.state()) {
            case SUCCESS -> {
                @SuppressWarnings("unchecked")
                T v = (T) awaited.resultNow();
                completeHere(v);
            }
            case FAILED -> failHere(awaited.exceptionNow());
            default -> cancelNow();
        }
    }

    @Override
    protected boolean cancelHere(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return false;
        }
        if (!started) {
            return cancelNow();
        }
        cancelRequested = true;
        return true;
    }

    @Override
    public String toString() {
        return "LoopTask[" + name + (isDone() ? ", done" : "") + "]";
    }
}
