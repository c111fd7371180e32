package io.stratagem.async;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;

/**
 * asyncio's bounded {@code Queue} on an {@link EventLoop}, with Python 3.13's {@code shutdown}. {@link #put} waits
 * (without a thread) while the queue is full, {@link #take} while it is empty; waiters are served FIFO, and a cancelled
 * waiter gives up its place. After {@link #shutdown(boolean)} puts fail with {@link QueueShutDownException}, and takes
 * fail once the queue is empty (at once with {@code immediate}, which also discards what is queued). Confined to the
 * loop thread.
 */
public final class AsyncQueue<T> {

    private record Putter<T>(T item, LoopFuture<Void> done) {
    }

    private final EventLoop loop;
    private final int capacity;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final ArrayDeque<LoopFuture<T>> takers = new ArrayDeque<>();
    private final ArrayDeque<Putter<T>> putters = new ArrayDeque<>();
    private boolean shutDown;

    AsyncQueue(EventLoop loop, int capacity) {
        if (capacity < 1 || capacity > 10_000_000) {
            throw new IllegalArgumentException("capacity must be between 1 and 10000000, was " + capacity);
        }
        this.loop = loop;
        this.capacity = capacity;
    }

    /** A future completed once {@code item} is in the queue (or handed to a taker). */
    public LoopFuture<Void> put(T item) {
        Objects.requireNonNull(item, "item");
        loop.checkInLoop("AsyncQueue.put");
        LoopFuture<Void> f = loop.newFuture();
        if (shutDown) {
            f.completeExceptionally(new QueueShutDownException("queue is shut down; put refused"));
        } else if (offer(item)) {
            f.complete(null);
        } else {
            putters.add(new Putter<>(item, f));
        }
        return f;
    }

    /** Adds {@code item} if there is room (or a waiting taker); never waits. */
    public boolean offer(T item) {
        Objects.requireNonNull(item, "item");
        loop.checkInLoop("AsyncQueue.offer");
        if (shutDown) {
            throw new QueueShutDownException("queue is shut down; offer refused");
        }
        for (LoopFuture<T> t; (t = takers.poll()) != null; ) {
            if (t.complete(item)) {
                return true;
            }
        }
        if (items.size() < capacity && putters.isEmpty()) {
            items.add(item);
            return true;
        }
        return false;
    }

    /** A future of the next item, completed when there is one. */
    public LoopFuture<T> take() {
        loop.checkInLoop("AsyncQueue.take");
        LoopFuture<T> f = loop.newFuture();
        Optional<T> now = poll();
        if (now.isPresent()) {
            f.complete(now.get());
        } else if (shutDown) {
            f.completeExceptionally(new QueueShutDownException("queue is shut down and empty"));
        } else {
            takers.add(f);
        }
        return f;
    }

    /** The next item if there is one; never waits. */
    public Optional<T> poll() {
        loop.checkInLoop("AsyncQueue.poll");
        T item = items.poll();
        if (item == null) {
            return Optional.empty();
        }
        for (Putter<T> p; (p = putters.poll()) != null; ) {
            if (!p.done().isDone()) {
                items.add(p.item());
                p.done().complete(null);
                break;
            }
        }
        return Optional.of(item);
    }

    /** Items queued now. */
    public int size() {
        loop.checkInLoop("AsyncQueue.size");
        return items.size();
    }

    /**
     * Shuts the queue down: waiting putters fail; with {@code immediate}, queued items are discarded and waiting
     * takers fail, otherwise takers keep receiving until the queue is empty. Idempotent.
     */
    public void shutdown(boolean immediate) {
        loop.checkInLoop("AsyncQueue.shutdown");
        shutDown = true;
        for (Putter<T> p; (p = putters.poll()) != null; ) {
            p.done().completeExceptionally(new QueueShutDownException("queue was shut down while put waited"));
        }
        if (immediate) {
            items.clear();
        }
        if (items.isEmpty()) {
            for (LoopFuture<T> t; (t = takers.poll()) != null; ) {
                t.completeExceptionally(new QueueShutDownException("queue was shut down while take waited"));
            }
        }
    }
}
