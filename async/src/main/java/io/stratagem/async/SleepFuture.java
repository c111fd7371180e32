package io.stratagem.async;

import io.stratagem.async.internal.TimerQueue;

/** The future of {@link EventLoop#sleep}: a timer entry itself, so a waiting sleep costs one object. */
final class SleepFuture extends LoopFuture<Void> implements TimerQueue.Timed {
    SleepFuture(EventLoop loop) {
        super(loop);
    }

    @Override
    public void run() {
        completeHere(null);
    }

    @Override
    public void abandon() {
        cancelNow();
    }
}
