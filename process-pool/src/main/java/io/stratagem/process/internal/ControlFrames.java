package io.stratagem.process.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Control frames (CANCEL, INTERRUPT, SHUTDOWN) on their way to workers, written off the thread that asks for them.
 * Those threads must not block ({@code TaskRun.Owner.stopRequested} runs on a caller's thread or the JVM-wide timeout
 * thread; the kill after a cancel's grace period runs on the pool's timer), but a write to a worker that stopped
 * reading blocks once its stdin pipe is full. So {@link #send} only enqueues: each worker has a lane, drained in order
 * by one short-lived virtual thread at a time, which is the only thread that may then block on that worker. A lane
 * blocked on a stalled worker delays nothing else; killing the worker breaks the pipe and frees it.
 *
 * <p>Thread-safe; {@link #send} never blocks.
 */
final class ControlFrames {

    private static final byte[] EMPTY = new byte[0];

    private final String poolName;
    private final ConcurrentHashMap<WorkerHandle, Lane> lanes = new ConcurrentHashMap<>();

    ControlFrames(String poolName) {
        this.poolName = poolName;
    }

    /** Queues a frame without payload for {@code w}; frames to one worker are written in the order queued. */
    void send(WorkerHandle w, byte type, long id) {
        Lane lane = lanes.computeIfAbsent(w, Lane::new);
        lane.frames.add(new long[]{type, id});
        lane.schedule();
    }

    /** {@code w} is gone: drop its lane (a frame queued later still gets written, and fails fast). */
    void forget(WorkerHandle w) {
        lanes.remove(w);
    }

    private final class Lane {
        final WorkerHandle worker;
        final ConcurrentLinkedQueue<long[]> frames = new ConcurrentLinkedQueue<>();
        final AtomicBoolean draining = new AtomicBoolean();

        Lane(WorkerHandle worker) {
            this.worker = worker;
        }

        void schedule() {
            if (draining.compareAndSet(false, true)) {
                Thread.ofVirtual().name("stratagem-" + poolName + "-control-" + worker.id).start(this::drain);
            }
        }

        private void drain() {
            while (true) {
                boolean wrote = false;
                for (long[] f; (f = frames.poll()) != null; ) {
                    worker.send((byte) f[0], f[1], EMPTY, false);
                    wrote = true;
                }
                if (wrote) {
                    worker.flush();
                }
                draining.set(false);
                // A frame queued after the last poll but before the flag was cleared found the lane busy: take it.
                if (frames.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }
}
