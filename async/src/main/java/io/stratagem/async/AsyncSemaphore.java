package io.stratagem.async;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * asyncio's {@code Semaphore} on an {@link EventLoop}: {@link #acquire()} returns a future that completes when a permit
 * is granted, FIFO among waiters; no thread blocks. A waiter whose future is cancelled before it is granted gives up
 * its place. Confined to the loop thread: every method throws {@link IllegalStateException} elsewhere.
 */
public final class AsyncSemaphore {

    private final EventLoop loop;
    private final ArrayDeque<LoopFuture<Void>> waiters = new ArrayDeque<>();
    private int permits;

    AsyncSemaphore(EventLoop loop, int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        this.loop = loop;
        this.permits = permits;
    }

    /** A future completed when this caller holds a permit (at once if one is free and nobody waits). */
    public LoopFuture<Void> acquire() {
        loop.checkInLoop("AsyncSemaphore.acquire");
        LoopFuture<Void> f = loop.newFuture();
        if (permits > 0 && waiters.isEmpty()) {
            permits--;
            f.complete(null);
        } else {
            waiters.add(f);
        }
        return f;
    }

    /** Takes a permit if one is free and nobody waits; never waits. */
    public boolean tryAcquire() {
        loop.checkInLoop("AsyncSemaphore.tryAcquire");
        if (permits > 0 && waiters.isEmpty()) {
            permits--;
            return true;
        }
        return false;
    }

    /** Returns a permit: the longest waiter that is still waiting gets it, else it becomes free. */
    public void release() {
        loop.checkInLoop("AsyncSemaphore.release");
        for (LoopFuture<Void> w; (w = waiters.poll()) != null; ) {
            if (w.complete(null)) {
                return;
            }
        }
        permits++;
    }

    /** Runs {@code body} holding a permit, released however the body's stage ends. */
    public <T> LoopFuture<T> withPermit(Supplier<? extends CompletionStage<T>> body) {
        Objects.requireNonNull(body, "body");
        return acquire().thenCompose(ignored -> {
            CompletionStage<T> s;
            try {
                s = Objects.requireNonNull(body.get(), "body returned null");
            } catch (RuntimeException | Error e) {
                release();
                throw e;
            }
            return s.whenComplete((v, e) -> loop.execute(this::release));
        });
    }

    /** Free permits now. */
    public int available() {
        loop.checkInLoop("AsyncSemaphore.available");
        return permits;
    }
}
