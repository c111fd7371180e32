package io.stratagem.process.internal;

import io.stratagem.Backend;
import io.stratagem.Task;
import io.stratagem.TaskFunction;
import io.stratagem.TaskHandle;
import io.stratagem.WorkerCrashedException;
import io.stratagem.process.ProcessPoolStrategy.QueuePolicy;
import io.stratagem.process.WorkerStartException;
import io.stratagem.spi.AbstractStrategy;
import io.stratagem.spi.TaskRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process pool: worker JVMs fed over pipes, surviving the death of any of them.
 *
 * <h2>Implementation overview</h2>
 * A submitted task is serialized on the submitting thread (so a non-serializable task fails in {@code submit}) into a
 * {@link Pending}, which moves {@code QUEUED} (in {@code queue}, bounded by {@code queueCapacity}) {@code -> SENT}
 * (assigned to a worker's {@code inFlight}, at most {@code inFlightPerWorker} per worker) {@code -> DONE}. All of that
 * state is guarded by {@code lock}; frames are written outside it, under each worker's own write lock. The run
 * itself is started ({@link TaskRun#tryStart}) when it is assigned to a worker, under {@code lock}, before its TASK
 * frame is written: from then on only the worker can tell whether it ran, so a task waiting in a worker's own queue
 * reports {@code RUNNING}, and a cancel reaches it as a stop (a CANCEL frame); the worker answers WITHDRAWN, which
 * ends the run as {@code NOT_STARTED}, or runs it. Only a task still in the pool's own queue is withdrawn at once
 * (and returned by {@code shutdownNow}). Until one task has finished, the pool sends nothing ahead (see
 * {@link #windowLocked}): with unknown run times, waiting tasks stay in its own queue.
 * <ul>
 *   <li>{@link #pumpLocked} assigns queued work to the READY worker with the fewest tasks in flight; it runs after
 *       every event that frees capacity (submit, result, worker ready, worker death).</li>
 *   <li>A worker's death ({@link WorkerDeaths}) fails only the task it was running (STARTED seen): with
 *       {@link WorkerCrashedException}, or as {@code KILLED} if a stop had been requested, or by requeueing it if it
 *       is idempotent and has retries left. Tasks it had not started go back to the front of the queue. A replacement
 *       is started as needed. Consecutive deaths before READY (not by a signal) count as start failures; at
 *       {@code maxStartFailures} the pool is broken: no more respawning, queued and later work fails with a
 *       {@link WorkerStartException}.</li>
 *   <li>Stopping a running task is staged ({@link StopStages}): CANCEL frame at once, INTERRUPT frame after half
 *       the grace period, SIGKILL of the worker after the grace period, each only if the task is still running on the
 *       same worker. The handle completes when the worker reports the outcome or dies. Control frames go through
 *       {@link ControlFrames}, never written on the thread asking: a stalled worker's full pipe blocks neither a
 *       caller's {@code cancel}, nor the timeout thread, nor the timer that must kill it.</li>
 * </ul>
 */
public final class ProcessPool extends AbstractStrategy {

    private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);
    private static final byte[] EMPTY = new byte[0];
    static final int SIGNAL_DEATH_CAP = 20;

    /** A TASK frame to write outside the lock; {@code urgent} if the worker had little else to do. */
    record Send(WorkerHandle worker, Pending pending, boolean urgent) {
    }

    /** How much work, in run time, the pool tries to keep queued inside each worker to hide the pipe's latency. */
    private static final long SEND_AHEAD_NANOS = 2_000_000;

    final PoolConfig config;
    private final PoolCodec codecs;
    final ScheduledThreadPoolExecutor timer;
    final ConcurrentHashMap<Long, Pending> byRunId = new ConcurrentHashMap<>();
    private final Set<WorkerHandle> notGone = ConcurrentHashMap.newKeySet();
    final ControlFrames control;
    private final WorkerArchive archive;
    private final WorkerDeaths deaths = new WorkerDeaths(this);
    private final StopStages stops = new StopStages(this);

    final ReentrantLock lock = new ReentrantLock();
    final Condition notFull = lock.newCondition();
    final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by lock; may hold withdrawn entries
    final List<WorkerHandle> workers = new ArrayList<>(); // guarded by lock; every worker not yet dead
    int queuedLive;                                      // guarded by lock: QUEUED entries in queue
    private int nextWorkerId = 1;                                // guarded by lock
    int startFailures;                                   // guarded by lock: consecutive, not by signal
    int signalStartDeaths;                               // guarded by lock: consecutive, by signal
    WorkerStartException broken;                          // guarded by lock
    boolean released;                                    // guarded by lock
    // Average run time of recent tasks (STARTED to outcome), for the send-ahead window. Updated by reader threads
    // without a lock: a lost update only skews an estimate, so plain volatile writes are enough.
    private volatile long averageRunNanos;

    public ProcessPool(PoolConfig config) {
        super(config.name(), Backend.PROCESS_POOL, config.semantics());
        this.config = config;
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        this.codecs = new PoolCodec(config, cl != null ? cl : ProcessPool.class.getClassLoader());
        this.control = new ControlFrames(config.name());
        this.archive = WorkerArchive.of(config);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "stratagem-" + config.name() + "-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        if (config.idleTimeout() != null) {
            long period = Math.max(10, config.idleTimeout().toMillis() / 2);
            timer.scheduleWithFixedDelay(this::retireIdle, period, period, TimeUnit.MILLISECONDS);
        }
        log.info("{}: process pool with up to {} worker JVM(s), {} start, {} in flight per worker", config.name(),
                config.workers(), config.eager() ? "eager" : "lazy", config.inFlightPerWorker());
        if (config.eager()) {
            lock.lock();
            try {
                for (int i = 0; i < config.workers(); i++) {
                    spawnLocked();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    WorkerArchive archive() {
        return archive;
    }

    /** Process ids of the live workers (for tests and diagnostics). */
    public List<Long> workerPids() {
        lock.lock();
        try {
            return workers.stream().map(WorkerHandle::pid).filter(p -> p > 0).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            StringBuilder sb = new StringBuilder(super.toString()).append("{queued=").append(queuedLive)
                    .append(", live=").append(liveCount()).append(", workers=[");
            for (WorkerHandle w : workers) {
                sb.append(w.id).append(':').append(w.state).append('/').append(w.inFlight.size()).append(' ');
            }
            return sb.append("]").append(broken != null ? ", broken" : "").append('}').toString();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <I, O> TaskHandle<List<O>> map(TaskFunction<? super I, ? extends O> fn, List<? extends I> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        return map(fn, inputs, autoChunkSize(inputs.size(), config.workers()));
    }

    /** As {@code multiprocessing.Pool}: about four chunks per worker, so the pipe is crossed a few times, not n times. */
    public static int autoChunkSize(int inputs, int workers) {
        int chunks = Math.max(1, workers) * 4;
        return Math.max(1, (inputs + chunks - 1) / chunks);
    }

    // ---- submission --------------------------------------------------------------------------------------------

    @Override
    protected void dispatch(TaskRun<?> run) {
        Task<?> task = run.task();
        boolean idempotent = task instanceof IdempotentTask<?>;
        Pending p = new Pending(run, codecs.encodeTask(idempotent ? ((IdempotentTask<?>) task).body() : task), idempotent);
        List<Send> sends = null;
        WorkerStartException fail;
        lock.lock();
        try {
            fail = broken;
            while (fail == null && queuedLive >= config.queueCapacity()) {
                if (run.isDone()) {
                    return; // withdrawn (by shutdownNow) while waiting for room
                }
                if (config.queuePolicy() == QueuePolicy.REJECT) {
                    throw new RejectedExecutionException("the process pool's submission queue is full ("
                            + config.queueCapacity() + " tasks waiting); raise queueCapacity or use QueuePolicy.BLOCK");
                }
                try {
                    notFull.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RejectedExecutionException("interrupted while waiting for space in the submission queue");
                }
                fail = broken;
            }
            if (run.isDone()) {
                // Withdrawn between submit and here: withdrawn() found nothing to drop (it looks under this lock, so
                // either it ran before this check, and the run is done, or it will find the run queued).
                return;
            }
            if (fail == null) {
                p.state = Pending.QUEUED;
                byRunId.put(run.id(), p);
                queue.add(p);
                queuedLive++;
                sends = pumpLocked();
                ensureWorkersLocked(true);
            }
        } finally {
            lock.unlock();
        }
        if (fail != null) {
            if (run.tryStart(null)) {
                run.fail(fail);
            }
            return;
        }
        send(sends, null, false);
    }


    /** Assigns queued work to workers with room; the caller sends the result outside the lock. */
    List<Send> pumpLocked() {
        List<Send> out = null;
        boolean freed = false;
        while (queuedLive > 0) {
            WorkerHandle w = pickLocked();
            if (w == null) {
                break;
            }
            Pending p = queue.poll();
            if (p.state != Pending.QUEUED) {
                continue; // withdrawn while queued; already uncounted
            }
            queuedLive--;
            freed = true;
            if (!p.runStarted) {
                if (!p.run.tryStart(null)) { // withdrawn meanwhile; withdrawn() will find it done
                    finishLocked(p);
                    continue;
                }
                p.runStarted = true; // from here only the worker can tell whether it ran: a cancel must ask it
            }
            p.state = Pending.SENT;
            p.worker = w;
            p.started = false;
            w.inFlight.put(p.run.id(), p);
            w.sent++;
            boolean urgent = w.inFlight.size() <= 2;
            if (config.maxTasksPerWorker() > 0 && w.sent >= config.maxTasksPerWorker()) {
                w.state = WorkerHandle.State.DRAINING;
                w.retireReason = "it ran " + w.sent + " tasks (maxTasksPerWorker)";
                if (config.eager()) {
                    spawnLocked();
                }
            }
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(new Send(w, p, urgent));
        }
        if (queuedLive == 0) {
            queue.clear();
        }
        if (freed) {
            notFull.signalAll();
        }
        return out;
    }

    /**
     * Tasks to keep in flight per worker: about {@link #SEND_AHEAD_NANOS} of work at the observed average run time,
     * at least 2 (one running, one waiting: the worker never idles for a round trip), at most the configured bound.
     * Long tasks thus get a window of 2, so a slow task does not hold many others hostage in its worker. Before any
     * task has finished the window is 1: nothing waits inside a worker behind a task of unknown length.
     */
    private int windowLocked() {
        int floor = Math.min(2, config.inFlightPerWorker());
        long avg = averageRunNanos;
        if (avg <= 0) {
            return 1; // no run time known yet: a task sent ahead might wait behind a long one, and would be RUNNING
        }
        return (int) Math.max(floor, Math.min(config.inFlightPerWorker(), SEND_AHEAD_NANOS / avg));
    }

    private WorkerHandle pickLocked() {
        WorkerHandle best = null;
        int window = windowLocked();
        for (WorkerHandle w : workers) {
            if (w.state == WorkerHandle.State.READY && w.inFlight.size() < window
                    && (best == null || w.inFlight.size() < best.inFlight.size())) {
                best = w;
            }
        }
        return best;
    }

    void ensureWorkersLocked(boolean fromSubmit) {
        if (broken != null || released) {
            return;
        }
        int live = 0;
        int starting = 0;
        boolean idleReady = false;
        for (WorkerHandle w : workers) {
            if (w.state == WorkerHandle.State.STARTING) {
                live++;
                starting++;
            } else if (w.state == WorkerHandle.State.READY) {
                live++;
                idleReady |= w.inFlight.isEmpty();
            }
        }
        while (live < config.workers() && queuedLive > starting) {
            spawnLocked();
            live++;
            starting++;
        }
        if (fromSubmit && live < config.workers() && starting == 0 && !idleReady) {
            spawnLocked(); // every worker is busy: grow towards the maximum, as CPython does
        }
    }

    void spawnLocked() {
        WorkerHandle w = new WorkerHandle(nextWorkerId++, this, config);
        workers.add(w);
        notGone.add(w);
        w.start();
        timer.schedule(() -> {
            boolean late;
            lock.lock();
            try {
                late = w.state == WorkerHandle.State.STARTING;
            } finally {
                lock.unlock();
            }
            if (late) {
                w.kill("worker " + w.id + " did not become ready within " + config.startTimeout());
            }
        }, config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends assigned tasks and flushes every worker touched (the default for events other than submit). */
    void send(List<Send> sends) {
        send(sends, null, true);
    }

    /**
     * Writes TASK frames, then flushes the workers written to, except: {@code deferFor} (a reader thread with more
     * frames to process flushes its own worker when its batch ends) and, unless {@code flushAll}, workers that already
     * had at least two tasks in flight: their reader thread flushes when the next outcome arrives, so a burst of
     * submits becomes one write instead of one system call and one worker wake-up per task. Those outcomes may all
     * have arrived meanwhile: {@link WorkerHandle#sendTask} then flushes at once.
     */
    void send(List<Send> sends, WorkerHandle deferFor, boolean flushAll) {
        if (sends == null) {
            return;
        }
        List<WorkerHandle> toFlush = new ArrayList<>(2);
        for (Send s : sends) {
            WorkerHandle w = s.worker();
            boolean flushedLater = w == deferFor || flushAll || s.urgent(); // below, or by w's reader at batch end
            w.sendTask(s.pending().run.id(), s.pending().bytes, true);
            if (flushedLater && w != deferFor && !toFlush.contains(w)) {
                toFlush.add(w);
            }
        }
        toFlush.forEach(WorkerHandle::flush);
    }

    // ---- events from workers -----------------------------------------------------------------------------------

    void onReady(WorkerHandle w) {
        List<Send> sends;
        boolean shutdownNow = false;
        lock.lock();
        try {
            if (w.state != WorkerHandle.State.STARTING) {
                return;
            }
            w.state = WorkerHandle.State.READY;
            w.idleSinceNanos = System.nanoTime();
            startFailures = 0;
            signalStartDeaths = 0;
            if (released) {
                w.state = WorkerHandle.State.DRAINING;
                shutdownNow = true;
            }
            sends = pumpLocked();
        } finally {
            lock.unlock();
        }
        if (shutdownNow) {
            w.send(WorkerProtocol.SHUTDOWN, 0, EMPTY, true);
        }
        send(sends);
    }

    /** A frame from {@code w}; {@code more} if further frames are already buffered (the reader flushes after them). */
    void onFrame(WorkerHandle w, Frame f, boolean more) throws FrameException {
        switch (f.type()) {
            case WorkerProtocol.STARTED -> onStarted(w, f.id());
            case WorkerProtocol.RESULT, WorkerProtocol.ERROR, WorkerProtocol.WITHDRAWN -> onOutcome(w, f, more);
            default -> throw new FrameException("unexpected frame from a worker: " + f);
        }
    }

    private void onStarted(WorkerHandle w, long id) {
        lock.lock();
        try {
            Pending p = w.inFlight.get(id);
            if (p == null) {
                return;
            }
            p.started = true; // the run itself was started when it was sent (pumpLocked)
            p.startedNanos = System.nanoTime();
        } finally {
            lock.unlock();
        }
    }

    private void onOutcome(WorkerHandle w, Frame f, boolean more) throws FrameException {
        Pending p;
        List<Send> sends;
        boolean retire = false;
        lock.lock();
        try {
            p = w.inFlight.remove(f.id());
            if (p == null) {
                return;
            }
            p.state = Pending.DONE;
            byRunId.remove(f.id());
            if (p.started && f.type() != WorkerProtocol.WITHDRAWN) {
                long ran = System.nanoTime() - p.startedNanos;
                long avg = averageRunNanos;
                averageRunNanos = avg <= 0 ? ran : avg + (ran - avg) / 8;
            }
            if (w.inFlight.isEmpty()) {
                w.idleSinceNanos = System.nanoTime();
                retire = w.state == WorkerHandle.State.DRAINING;
            }
            sends = pumpLocked();
        } finally {
            lock.unlock();
        }
        send(sends, more ? w : null, true);
        if (retire) {
            w.send(WorkerProtocol.SHUTDOWN, 0, EMPTY, true);
        }
        codecs.complete(p.run, f);
    }


    /**
     * A caller is about to block in {@code join()} on {@code run}: if the run is in flight on a worker, that worker may
     * let this thread read its answer ({@link WorkerHandle#help}).
     */
    @Override
    public void awaiting(TaskRun<?> run) {
        Pending p = byRunId.get(run.id());
        if (p == null) {
            return;
        }
        WorkerHandle w;
        lock.lock();
        try {
            w = p.state == Pending.SENT ? p.worker : null;
        } finally {
            lock.unlock();
        }
        if (w != null) {
            w.help(run);
        }
    }

    /** See {@link WorkerDeaths#onDeath}. */
    void onDeath(WorkerHandle w, Integer exit, String reason, boolean wasReady, java.util.Set<Long> startedUnflushed) {
        deaths.onDeath(w, exit, reason, wasReady, startedUnflushed);
    }

    void onGone(WorkerHandle w) {
        notGone.remove(w);
        control.forget(w);
    }

    void finishLocked(Pending p) {
        p.state = Pending.DONE;
        p.worker = null;
        byRunId.remove(p.run.id());
    }

    void requeueFirstLocked(Pending p) {
        p.state = Pending.QUEUED;
        p.worker = null;
        p.started = false;
        queue.addFirst(p);
        queuedLive++;
    }

    // ---- cancellation ------------------------------------------------------------------------------------------

    /**
     * A run withdrawn before it started: it can only be in the pool's own queue (a run is started before it is sent),
     * or not yet there (dispatch, which checks {@code isDone} under the same lock, then drops it).
     */
    @Override
    public void withdrawn(TaskRun<?> run) {
        lock.lock();
        try {
            Pending p = byRunId.get(run.id());
            if (p != null && p.state == Pending.QUEUED) {
                finishLocked(p);
                queuedLive--;
            }
            notFull.signalAll(); // also wakes a BLOCK-policy dispatch of this run, which then sees it done
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stopRequested(TaskRun<?> run, boolean mayInterrupt) {
        stops.stopRequested(run, mayInterrupt);
    }

    private void retireIdle() {
        List<WorkerHandle> retiring = new ArrayList<>();
        long now = System.nanoTime();
        lock.lock();
        try {
            for (WorkerHandle w : workers) {
                if (w.state == WorkerHandle.State.READY && w.inFlight.isEmpty()
                        && now - w.idleSinceNanos >= config.idleTimeout().toNanos()) {
                    w.state = WorkerHandle.State.DRAINING;
                    w.retireReason = "idle";
                    retiring.add(w);
                }
            }
        } finally {
            lock.unlock();
        }
        for (WorkerHandle w : retiring) {
            log.debug("{}: retiring worker {} after {} idle", config.name(), w.id, config.idleTimeout());
            control.send(w, WorkerProtocol.SHUTDOWN, 0); // on the timer thread, which must be free to kill
        }
    }

    // ---- shutdown ----------------------------------------------------------------------------------------------

    @Override
    protected void release() {
        List<WorkerHandle> stopping = new ArrayList<>();
        List<WorkerHandle> starting = new ArrayList<>();
        lock.lock();
        try {
            released = true;
            for (WorkerHandle w : workers) {
                if (w.state == WorkerHandle.State.STARTING) {
                    starting.add(w);
                } else {
                    w.state = WorkerHandle.State.DRAINING;
                    stopping.add(w);
                }
            }
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        stopping.forEach(w -> control.send(w, WorkerProtocol.SHUTDOWN, 0)); // the 5 s kill below must not wait
        starting.forEach(w -> w.kill("the pool was closed while worker " + w.id + " was starting"));
        List<WorkerHandle> all = List.copyOf(notGone);
        timer.schedule(() -> all.forEach(w -> w.kill("worker " + w.id + " did not exit within 5 s of SHUTDOWN")),
                5, TimeUnit.SECONDS);
        log.debug("{}: released; {} worker(s) asked to exit", config.name(), all.size());
    }

    @Override
    protected boolean awaitReleased(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        for (WorkerHandle w : List.copyOf(notGone)) {
            if (!w.awaitGone(Math.max(0, deadline - System.nanoTime()))) {
                return false;
            }
        }
        timer.shutdownNow();
        return true;
    }
}
