package io.stratagem.async.internal;

import io.stratagem.async.EventLoop;
import io.stratagem.async.LoopFuture;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The future of a call offloaded to another thread ({@code toThread}, {@code toCpu}).
 *
 * <p>Cancelling it before the call starts completes it at once and the call never runs. Cancelling it while the call
 * runs interrupts the thread (under {@code lock}, and only while {@code runner} is set, so a pooled thread is never
 * interrupted after it moved on) and the future completes as cancelled only once the call has returned: a
 * {@code waitFor} timeout thereby waits until the work has stopped. The result is posted to the loop.
 */
public final class ThreadFuture<T> extends LoopFuture<T> {

    private final Callable<T> call;
    private final ReentrantLock lock = new ReentrantLock();
    private Thread runner; // guarded by lock
    private boolean cancelRequested; // guarded by lock
    private boolean interrupted; // guarded by lock

    public ThreadFuture(EventLoop loop, Callable<T> call) {
        super(loop);
        this.call = call;
    }

    /** Runs the call on the current thread and posts its outcome. */
    public void runHere() {
        lock.lock();
        try {
            if (cancelRequested || isDone()) {
                return;
            }
            runner = Thread.currentThread();
        } finally {
            lock.unlock();
        }
        T value = null;
        Throwable failure = null;
        try {
            value = call.call();
        } catch (Throwable t) {
            failure = t;
        }
        boolean cancelled;
        lock.lock();
        try {
            runner = null;
            cancelled = cancelRequested;
            if (interrupted) {
                Thread.interrupted(); // ours, aimed at this call only
            }
        } finally {
            lock.unlock();
        }
        if (cancelled) {
            cancel(false); // runner is null now: completes as cancelled (on the loop)
        } else if (failure != null) {
            completeExceptionally(failure);
        } else {
            complete(value);
        }
    }

    @Override
    protected boolean cancelHere(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return false;
        }
        lock.lock();
        try {
            cancelRequested = true;
            if (runner != null) {
                if (mayInterruptIfRunning) {
                    interrupted = true;
                    runner.interrupt();
                }
                return true; // completes when the call returns
            }
        } finally {
            lock.unlock();
        }
        return cancelNow();
    }
}
