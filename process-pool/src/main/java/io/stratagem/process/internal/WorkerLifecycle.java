package io.stratagem.process.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Worker JVMs coming and going: how many the pool needs, starting one, its READY, retiring it, and asking every one
 * to exit when the pool closes. What a worker's death does is {@link WorkerDeaths}'s ({@link ProcessPool}'s overview
 * has the whole picture).
 *
 * <h2>Implementation overview</h2>
 * A {@link WorkerHandle} moves {@code STARTING -> READY -> DRAINING -> DEAD}; its state is guarded by the pool's
 * {@code lock}, as are the pool's {@code workers} (every worker not yet dead) and {@code nextWorkerId} here.
 * <ul>
 *   <li>{@code STARTING}: {@link #spawnLocked}. The timer kills a worker still {@code STARTING} after
 *       {@code startTimeout}.</li>
 *   <li>{@code STARTING -> READY}: {@link #onReady}, after the handshake; it ends the run of consecutive start
 *       failures. Only a {@code READY} worker is given tasks ({@link TaskDispatch#pumpLocked}). If the pool was
 *       closed meanwhile, the worker goes on to {@code DRAINING} and is sent SHUTDOWN at once.</li>
 *   <li>{@code READY -> DRAINING}: after {@code maxTasksPerWorker} tasks ({@link TaskDispatch#pumpLocked}; an eager
 *       pool starts its replacement at once), after {@code idleTimeout} without work ({@link #retireIdle}), or when
 *       the pool closes ({@link #release}). A draining worker gets no new tasks and is sent SHUTDOWN once it has none
 *       in flight (by {@link TaskDispatch#onFrame} when its last outcome arrives, unless it was idle or closing, when
 *       SHUTDOWN goes at once).</li>
 *   <li>any {@code -> DEAD}: {@link WorkerDeaths#onDeath}, once per worker, which may start a replacement.</li>
 * </ul>
 * {@link #ensureWorkersLocked} starts workers while fewer than {@code workers} are live and queued tasks outnumber
 * the starting ones, plus one when a submit finds none starting and no READY worker idle; never once the pool is
 * broken or closed.
 * {@code notGone} is not guarded by the lock: it holds each worker from its spawn until {@link #onGone} (its process
 * and threads are finished), and is what {@link #awaitReleased} waits for. SHUTDOWN frames from the timer and from
 * {@code close} go through {@link ControlFrames}: neither thread may block on a full pipe, since the timer must be
 * free to kill.
 */
final class WorkerLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);

    private final ProcessPool pool;
    private final Set<WorkerHandle> notGone = ConcurrentHashMap.newKeySet();
    private int nextWorkerId = 1;                                // guarded by lock

    WorkerLifecycle(ProcessPool pool) {
        this.pool = pool;
    }

    void ensureWorkersLocked(boolean fromSubmit) {
        if (pool.broken != null || pool.released) {
            return;
        }
        int live = 0;
        int starting = 0;
        boolean idleReady = false;
        for (WorkerHandle w : pool.workers) {
            if (w.state == WorkerHandle.State.STARTING) {
                live++;
                starting++;
            } else if (w.state == WorkerHandle.State.READY) {
                live++;
                idleReady |= w.inFlight.isEmpty();
            }
        }
        while (live < pool.config.workers() && pool.queuedLive > starting) {
            spawnLocked();
            live++;
            starting++;
        }
        if (fromSubmit && live < pool.config.workers() && starting == 0 && !idleReady) {
            spawnLocked(); // every worker is busy: grow towards the maximum, as CPython does
        }
    }

    void spawnLocked() {
        WorkerHandle w = new WorkerHandle(nextWorkerId++, pool, pool.config);
        pool.workers.add(w);
        notGone.add(w);
        w.start();
        pool.timer.schedule(() -> {
            boolean late;
            pool.lock.lock();
            try {
                late = w.state == WorkerHandle.State.STARTING;
            } finally {
                pool.lock.unlock();
            }
            if (late) {
                w.kill("worker " + w.id + " did not become ready within " + pool.config.startTimeout());
            }
        }, pool.config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    void onReady(WorkerHandle w) {
        List<TaskDispatch.Send> sends;
        boolean shutdownNow = false;
        pool.lock.lock();
        try {
            if (w.state != WorkerHandle.State.STARTING) {
                return;
            }
            w.state = WorkerHandle.State.READY;
            w.idleSinceNanos = System.nanoTime();
            pool.startFailures = 0;
            pool.signalStartDeaths = 0;
            if (pool.released) {
                w.state = WorkerHandle.State.DRAINING;
                shutdownNow = true;
            }
            sends = pool.tasks.pumpLocked();
        } finally {
            pool.lock.unlock();
        }
        if (shutdownNow) {
            w.send(WorkerProtocol.SHUTDOWN, 0, ProcessPool.EMPTY, true);
        }
        pool.tasks.send(sends);
    }

    void onGone(WorkerHandle w) {
        notGone.remove(w);
        pool.control.forget(w);
    }

    void retireIdle() {
        List<WorkerHandle> retiring = new ArrayList<>();
        long now = System.nanoTime();
        pool.lock.lock();
        try {
            for (WorkerHandle w : pool.workers) {
                if (w.state == WorkerHandle.State.READY && w.inFlight.isEmpty()
                        && now - w.idleSinceNanos >= pool.config.idleTimeout().toNanos()) {
                    w.state = WorkerHandle.State.DRAINING;
                    w.retireReason = "idle";
                    retiring.add(w);
                }
            }
        } finally {
            pool.lock.unlock();
        }
        for (WorkerHandle w : retiring) {
            log.debug("{}: retiring worker {} after {} idle", pool.config.name(), w.id, pool.config.idleTimeout());
            pool.control.send(w, WorkerProtocol.SHUTDOWN, 0); // on the timer thread, which must be free to kill
        }
    }

    // ---- shutdown ----------------------------------------------------------------------------------------------

    void release() {
        List<WorkerHandle> stopping = new ArrayList<>();
        List<WorkerHandle> starting = new ArrayList<>();
        pool.lock.lock();
        try {
            pool.released = true;
            for (WorkerHandle w : pool.workers) {
                if (w.state == WorkerHandle.State.STARTING) {
                    starting.add(w);
                } else {
                    w.state = WorkerHandle.State.DRAINING;
                    stopping.add(w);
                }
            }
            pool.notFull.signalAll();
        } finally {
            pool.lock.unlock();
        }
        stopping.forEach(w -> pool.control.send(w, WorkerProtocol.SHUTDOWN, 0)); // the 5 s kill below must not wait
        starting.forEach(w -> w.kill("the pool was closed while worker " + w.id + " was starting"));
        List<WorkerHandle> all = List.copyOf(notGone);
        pool.timer.schedule(() -> all.forEach(w -> w.kill("worker " + w.id + " did not exit within 5 s of SHUTDOWN")),
                5, TimeUnit.SECONDS);
        log.debug("{}: released; {} worker(s) asked to exit", pool.config.name(), all.size());
    }

    boolean awaitReleased(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        for (WorkerHandle w : List.copyOf(notGone)) {
            if (!w.awaitGone(Math.max(0, deadline - System.nanoTime()))) {
                return false;
            }
        }
        pool.timer.shutdownNow();
        return true;
    }
}
