package io.stratagem.process.internal;

import io.stratagem.spi.TaskRun;

/** A submitted task as the pool tracks it: its encoded bytes and where it is. All fields but the finals are guarded by the pool lock. */
final class Pending {
    static final int NEW = 0;
    static final int QUEUED = 1;  // in the pool's queue
    static final int SENT = 2;    // assigned to a worker (maybe queued inside it)
    static final int DONE = 3;

    final TaskRun<?> run;
    final byte[] bytes;
    final boolean idempotent;

    int state = NEW;
    WorkerHandle worker;
    boolean started;      // the current worker reported STARTED
    long startedNanos;    // when it did
    boolean runStarted;   // run.tryStart succeeded: done when first sent to a worker, kept across retries
    int attempts;         // crash retries used

    Pending(TaskRun<?> run, byte[] bytes, boolean idempotent) {
        this.run = run;
        this.bytes = bytes;
        this.idempotent = idempotent;
    }
}
