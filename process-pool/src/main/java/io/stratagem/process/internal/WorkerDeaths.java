package io.stratagem.process.internal;

import io.stratagem.CancellationStage;
import io.stratagem.WorkerCrashedException;
import io.stratagem.process.WorkerStartException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the death of a worker does to the pool ({@link ProcessPool}'s overview has the states): each task it held is
 * requeued (not started, or idempotent with retries left), ended as stopped (a stop had been asked for), or failed
 * with {@link WorkerCrashedException}; deaths before READY (or with {@link WorkerProtocol#EXIT_START_FAILED}) count
 * towards the crash-loop stop; a replacement is started
 * as needed. Runs on the dead worker's own lifecycle thread, once per worker; state changes happen under the pool's
 * lock, the runs are completed after it is released.
 */
final class WorkerDeaths {
    private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);

    private final ProcessPool pool;

    WorkerDeaths(ProcessPool pool) {
        this.pool = pool;
    }


    /**
     * {@code w} is gone. {@code startedUnflushed}: tasks the worker had marked as started in the shared marks file
     * whose STARTED frame may never have reached us (see {@link StartedMarks}); they count as started.
     */
    void onDeath(WorkerHandle w, Integer exit, String reason, boolean wasReady, java.util.Set<Long> startedUnflushed) {
        List<Pending> stopped = new ArrayList<>();
        List<Pending> crashed = new ArrayList<>();
        List<Pending> refused = new ArrayList<>();
        List<Pending> unstartedStops = new ArrayList<>();
        List<TaskDispatch.Send> sends = null;
        boolean expected;
        WorkerStartException brokenNow = null;
        boolean failedStart;
        pool.lock.lock();
        try {
            expected = pool.released || (w.state == WorkerHandle.State.DRAINING && w.inFlight.isEmpty());
            boolean idleRetired = w.state == WorkerHandle.State.DRAINING && "idle".equals(w.retireReason);
            w.state = WorkerHandle.State.DEAD;
            pool.workers.remove(w);
            List<Pending> mine = new ArrayList<>(w.inFlight.values());
            w.inFlight.clear();
            mine.sort(Comparator.comparingLong((Pending p) -> p.run.id()).reversed());
            boolean anyStarted = mine.size() < w.sent; // some task was answered
            for (Pending p : mine) {
                if (!p.started && startedUnflushed.contains(p.run.id())) {
                    p.started = true; // it ran (or was running): never run it a second time
                }
                anyStarted |= p.started;
            }
            // A worker says READY before it starts its threads; one that then cannot start them exits with
            // EXIT_START_FAILED before it starts any task (a task's own exit with that code comes after its start).
            failedStart = !wasReady
                    || exit != null && exit == WorkerProtocol.EXIT_START_FAILED && !anyStarted;
            if (failedStart && !pool.released) {
                // A signal from outside (exit > 128, not our kill) may hit a healthy worker while it starts: it only
                // counts towards a high cap. Our own kill at the start timeout is a real start failure.
                if (exit != null && exit > 128 && !w.killedByPool()) {
                    pool.signalStartDeaths++;
                } else {
                    pool.startFailures++;
                }
                if (pool.broken == null && (pool.startFailures >= pool.config.maxStartFailures()
                        || pool.signalStartDeaths >= ProcessPool.SIGNAL_DEATH_CAP)) {
                    pool.broken = new WorkerStartException(pool.startFailures + pool.signalStartDeaths,
                            reason + (exit == null ? "" : " (exit code " + exit + ")"), w.stderrTail());
                    brokenNow = pool.broken;
                }
            }
            for (Pending p : mine) {
                if (!p.started) {
                    if (p.run.isDone()) {
                        pool.tasks.finishLocked(p);
                    } else if (p.run.isStopRequested()) {
                        pool.tasks.finishLocked(p); // its CANCEL died with the worker: never send it elsewhere
                        unstartedStops.add(p);
                    } else {
                        pool.tasks.requeueFirstLocked(p);
                    }
                } else if (p.run.isStopRequested()) {
                    pool.tasks.finishLocked(p);
                    stopped.add(p);
                } else if (p.idempotent && p.attempts < pool.config.crashRetries() && pool.broken == null) {
                    p.attempts++;
                    log.info("{}: retrying idempotent task {} after its worker {} died (attempt {})", pool.config.name(),
                            p.run.id(), w.id, p.attempts + 1);
                    pool.tasks.requeueFirstLocked(p);
                } else {
                    pool.tasks.finishLocked(p);
                    crashed.add(p);
                }
            }
            if (pool.broken != null) {
                for (Pending p : pool.queue) {
                    if (p.state == Pending.QUEUED) {
                        pool.tasks.finishLocked(p);
                        refused.add(p);
                    }
                }
                pool.queue.clear();
                pool.queuedLive = 0;
                pool.notFull.signalAll();
            } else {
                if (pool.config.eager() && !pool.released && !idleRetired && !expected) {
                    pool.lifecycle.spawnLocked();
                }
                sends = pool.tasks.pumpLocked();
                pool.lifecycle.ensureWorkersLocked(false);
            }
        } finally {
            pool.lock.unlock();
        }
        if (failedStart && !pool.released) {
            log.warn("{}: {}{}", pool.config.name(), reason, exit == null ? "" : " (exit code " + exit + ")");
        } else if (!expected && !w.killedByPool()) {
            log.warn("{}: worker {} died{} ({}); {} running task(s) failed, pool continues", pool.config.name(), w.id,
                    exit == null ? "" : " with exit code " + exit, reason, crashed.size());
        } else {
            log.debug("{}: worker {} exited ({}, exit code {})", pool.config.name(), w.id, reason, exit);
        }
        if (brokenNow != null) {
            log.error("{}: {}", pool.config.name(), brokenNow.getMessage());
        }
        for (Pending p : stopped) {
            p.run.finishStopped(CancellationStage.KILLED);
        }
        for (Pending p : unstartedStops) {
            p.run.finishStopped(StopStages.stageOfUnstarted(p));
        }
        List<String> tail = crashed.isEmpty() ? List.of() : w.stderrTail();
        for (Pending p : crashed) {
            p.run.fail(new WorkerCrashedException(w.id, exit, tail, reason));
        }
        for (Pending p : refused) {
            if (p.runStarted || p.run.tryStart(null)) { // runStarted: requeued after its worker died
                p.run.fail(brokenNow != null ? brokenNow : pool.broken);
            }
        }
        pool.tasks.send(sends);
    }
}
