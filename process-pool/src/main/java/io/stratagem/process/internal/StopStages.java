package io.stratagem.process.internal;

import io.stratagem.CancellationStage;
import io.stratagem.spi.TaskRun;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staged stopping of a running task: a CANCEL frame at once (seen at {@code ctx.checkpoint()}), an INTERRUPT frame
 * after half the cancel grace period, a SIGKILL of the worker after the whole of it, each only while the task still
 * runs on the same worker. A task back in the pool's queue (requeued after its worker died) is simply withdrawn.
 * Control frames go through {@link ControlFrames}: the thread asking (a caller's, the timeout thread, the timer)
 * never writes to a pipe that may be full. Thread-safe; never blocks beyond the pool's lock.
 */
final class StopStages {
    private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);

    private final ProcessPool pool;

    StopStages(ProcessPool pool) {
        this.pool = pool;
    }


    void stopRequested(TaskRun<?> run, boolean mayInterrupt) {
        Pending p = pool.byRunId.get(run.id());
        if (p == null) {
            return;
        }
        WorkerHandle w;
        boolean backInQueue = false;
        pool.lock.lock();
        try {
            w = p.worker;
            if (p.state == Pending.QUEUED) { // requeued after its worker died: waiting to be sent again
                pool.tasks.finishLocked(p);
                pool.queuedLive--;
                pool.notFull.signalAll();
                backInQueue = true;
            }
        } finally {
            pool.lock.unlock();
        }
        if (backInQueue) {
            run.finishStopped(stageOfUnstarted(p));
            return;
        }
        if (w == null) {
            return;
        }
        // Never written here: this runs on a caller's or the timeout thread, and must not block on a full pipe.
        pool.control.send(w, WorkerProtocol.CANCEL, run.id());
        if (mayInterrupt) {
            long grace = pool.config.cancelGrace().toNanos();
            pool.timer.schedule(() -> {
                if (!run.isDone() && stillRunningOn(p, w)) {
                    pool.control.send(w, WorkerProtocol.INTERRUPT, run.id());
                }
            }, grace / 2, TimeUnit.NANOSECONDS);
            pool.timer.schedule(() -> {
                if (!run.isDone() && stillRunningOn(p, w)) {
                    log.debug("{}: task {} did not stop within {}; killing worker {}", pool.config.name(), run.id(),
                            pool.config.cancelGrace(), w.id);
                    w.kill("task " + run.id() + " did not stop within the cancel grace period of "
                            + pool.config.cancelGrace() + ", so its worker was killed");
                }
            }, grace, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * How a stopped run that is not running on any worker ended: {@code NOT_STARTED}, unless an earlier attempt ran
     * (a crash retry: only a started task comes back with {@code attempts} raised).
     */
    static CancellationStage stageOfUnstarted(Pending p) {
        return p.attempts > 0 ? CancellationStage.KILLED : CancellationStage.NOT_STARTED;
    }

    private boolean stillRunningOn(Pending p, WorkerHandle w) {
        pool.lock.lock();
        try {
            return p.state == Pending.SENT && p.worker == w;
        } finally {
            pool.lock.unlock();
        }
    }
}
