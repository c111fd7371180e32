package io.stratagem.process.internal;

import io.stratagem.Backend;
import io.stratagem.TaskFunction;
import io.stratagem.TaskHandle;
import io.stratagem.WorkerCrashedException;
import io.stratagem.process.WorkerStartException;
import io.stratagem.spi.AbstractStrategy;
import io.stratagem.spi.TaskRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
 * {@link TaskDispatch#windowLocked}): with unknown run times, waiting tasks stay in its own queue.
 * <ul>
 *   <li>{@link TaskDispatch#pumpLocked} assigns queued work to the READY worker with the fewest tasks in flight; it
 *       runs after every event that frees capacity (submit, result, worker ready, worker death).</li>
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
 * The state below is shared by all of that and guarded by the one {@code lock}, so it lives here; the code that
 * changes it lives with its concern, each file with its own overview: {@link TaskDispatch} (the submission queue,
 * assigning tasks to workers, TASK frames and their outcomes), {@link WorkerLifecycle} (spawning, READY, retiring,
 * closing), {@link WorkerDeaths} and {@link StopStages}. This class is the {@code Strategy} they serve and the one
 * place a {@link WorkerHandle} reports to.
 */
public final class ProcessPool extends AbstractStrategy {

    private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);
    static final byte[] EMPTY = new byte[0];
    static final int SIGNAL_DEATH_CAP = 20;

    final PoolConfig config;
    final PoolCodec codecs;
    final ScheduledThreadPoolExecutor timer;
    final ConcurrentHashMap<Long, Pending> byRunId = new ConcurrentHashMap<>();
    final ControlFrames control;
    private final WorkerArchive archive;
    final TaskDispatch tasks = new TaskDispatch(this);
    final WorkerLifecycle lifecycle = new WorkerLifecycle(this);
    private final WorkerDeaths deaths = new WorkerDeaths(this);
    private final StopStages stops = new StopStages(this);

    final ReentrantLock lock = new ReentrantLock();
    final Condition notFull = lock.newCondition();
    final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by lock; may hold withdrawn entries
    final List<WorkerHandle> workers = new ArrayList<>(); // guarded by lock; every worker not yet dead
    int queuedLive;                                      // guarded by lock: QUEUED entries in queue
    int startFailures;                                   // guarded by lock: consecutive, not by signal
    int signalStartDeaths;                               // guarded by lock: consecutive, by signal
    WorkerStartException broken;                          // guarded by lock
    boolean released;                                    // guarded by lock

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
            timer.scheduleWithFixedDelay(lifecycle::retireIdle, period, period, TimeUnit.MILLISECONDS);
        }
        log.info("{}: process pool with up to {} worker JVM(s), {} start, {} in flight per worker", config.name(),
                config.workers(), config.eager() ? "eager" : "lazy", config.inFlightPerWorker());
        if (config.eager()) {
            lock.lock();
            try {
                for (int i = 0; i < config.workers(); i++) {
                    lifecycle.spawnLocked();
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

    // ---- the strategy's hooks ----------------------------------------------------------------------------------

    @Override
    protected void dispatch(TaskRun<?> run) {
        tasks.dispatch(run);
    }

    /** See {@link TaskDispatch#awaiting}. */
    @Override
    public void awaiting(TaskRun<?> run) {
        tasks.awaiting(run);
    }

    /** See {@link TaskDispatch#withdrawn}. */
    @Override
    public void withdrawn(TaskRun<?> run) {
        tasks.withdrawn(run);
    }

    @Override
    public void stopRequested(TaskRun<?> run, boolean mayInterrupt) {
        stops.stopRequested(run, mayInterrupt);
    }

    @Override
    protected void release() {
        lifecycle.release();
    }

    @Override
    protected boolean awaitReleased(long nanos) throws InterruptedException {
        return lifecycle.awaitReleased(nanos);
    }

    // ---- events from workers (each WorkerHandle reports here) --------------------------------------------------

    /** See {@link WorkerLifecycle#onReady}. */
    void onReady(WorkerHandle w) {
        lifecycle.onReady(w);
    }

    /** See {@link TaskDispatch#onFrame}. */
    void onFrame(WorkerHandle w, Frame f, boolean more) throws FrameException {
        tasks.onFrame(w, f, more);
    }

    /** See {@link WorkerDeaths#onDeath}. */
    void onDeath(WorkerHandle w, Integer exit, String reason, boolean wasReady, java.util.Set<Long> startedUnflushed) {
        deaths.onDeath(w, exit, reason, wasReady, startedUnflushed);
    }

    /** See {@link WorkerLifecycle#onGone}. */
    void onGone(WorkerHandle w) {
        lifecycle.onGone(w);
    }
}
