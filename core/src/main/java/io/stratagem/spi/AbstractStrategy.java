package io.stratagem.spi;

import io.stratagem.Backend;
import io.stratagem.CancellationStage;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyClosedException;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import io.stratagem.TaskTimedOutException;
import io.stratagem.internal.Durations;
import io.stratagem.internal.Timeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lifecycle every backend shares, so that submit, close and shutdownNow mean the same everywhere.
 *
 * <h2>Implementation overview</h2>
 * The strategy is {@code OPEN}, then {@code SHUTDOWN} (no more submits), then {@code RELEASED} once shut down with no
 * live run, at which point the backend's {@link #release()} runs exactly once; it is terminated when, in addition,
 * {@link #awaitReleased(long)} reports the backend's threads and processes gone.
 * <ul>
 *   <li>The live set holds every run submitted and not yet ended, so that {@code shutdownNow} finds each queued and
 *       running one. It is striped: a run belongs to stripe {@code id & (stripes - 1)}, each stripe an array of slots
 *       that only the submitting side locks ({@link Stripe}); a run's end empties its slot with one compare-and-set
 *       and counts it out, without a lock. Adding or removing a run allocates nothing but the array's occasional
 *       compaction. A {@code ConcurrentHashMap} set did this job first (a node per run, a table resized up to a
 *       million entries, a size counter whose cells collided because every new virtual thread starts with the same
 *       probe), then a list linked through the runs under each stripe's lock, which both sides took for every run.</li>
 *   <li>{@code submit} creates a {@link TaskRun} and adds it to its stripe under that stripe's lock, after checking
 *       the state under the same lock; {@code beginShutdown} moves the state to {@code SHUTDOWN} holding every stripe
 *       lock, so no run is added after shutdown. Then {@code submit} hands the run to {@link #dispatch(TaskRun)}
 *       outside any lock.</li>
 *   <li>A run leaves the live set when it ends ({@link TaskRun.Owner#ended}), however it ends. The thread that
 *       removes the last run after shutdown, or shutdown itself if none is live, triggers the release. Each side
 *       writes a volatile first (a stripe's {@code ended} count, or {@code state}) and reads the other's second (the
 *       state, or every stripe's counts), so at least one of them sees the other; two runs ending at once on different
 *       stripes are the same pattern, so the last of them sees both stripes empty.</li>
 * </ul>
 *
 * <p>Subclasses implement {@link #dispatch}, {@link #release} and, where they own threads or processes,
 * {@link #awaitReleased}; they may override {@link #stopRequested} (default: interrupt when allowed) and
 * {@link #withdrawn}.
 */
public abstract class AbstractStrategy implements Strategy, TaskRun.Owner {

    private static final Logger log = LoggerFactory.getLogger(AbstractStrategy.class);

    private static final int OPEN = 0;
    private static final int SHUTDOWN = 1;

    private final String name;
    private final Backend backend;
    private final Semantics semantics;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Stripe[] stripes = newStripes();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition releasedCondition = lock.newCondition();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile int state = OPEN;
    private volatile boolean releaseDone;

    protected AbstractStrategy(String name, Backend backend, Semantics semantics) {
        this.name = Objects.requireNonNull(name, "name");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.semantics = Objects.requireNonNull(semantics, "semantics");
    }

    // ---- what backends implement ------------------------------------------------------------------------------

    /**
     * Hands a new run to the backend, which must eventually start it ({@link TaskRun#tryStart}) or find it withdrawn,
     * and end every started run. May throw {@link java.util.concurrent.RejectedExecutionException} (bounded queue
     * full) or {@link io.stratagem.TaskNotSerializableException}; the run is then discarded and the exception reaches
     * the caller of {@code submit}.
     */
    protected abstract void dispatch(TaskRun<?> run);

    /**
     * Releases the backend's threads and processes once no run is live after shutdown. Called exactly once, possibly
     * on one of the backend's own threads: start the shutdown of pools and processes, but do not wait for them here.
     */
    protected abstract void release();

    /**
     * Waits up to {@code nanos} for what {@link #release()} started to finish (threads exited, processes gone).
     *
     * @return whether everything is gone
     */
    protected boolean awaitReleased(long nanos) throws InterruptedException {
        return true;
    }

    /** Called once when shutdown begins (before queued work has drained). Default: nothing. */
    protected void onShutdown() {
    }

    @Override
    public void withdrawn(TaskRun<?> run) {
    }

    @Override
    public void stopRequested(TaskRun<?> run, boolean mayInterrupt) {
        if (mayInterrupt) {
            run.interruptRunner();
        }
    }

    // ---- Strategy ----------------------------------------------------------------------------------------------

    @Override
    public final <T> TaskHandle<T> submit(Task<T> task) {
        return submit0(task, null);
    }

    @Override
    public final <T> TaskHandle<T> submit(Task<T> task, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return submit0(task, timeout);
    }

    private <T> TaskHandle<T> submit0(Task<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task");
        long timeoutNanos = timeout == null ? 0 : Durations.saturatedNanos(timeout); // computed before accepting
        TaskRun<T> run = new TaskRun<>(nextId.getAndIncrement(), task, this);
        Stripe stripe = stripeOf(run);
        stripe.lockBriefly();
        try {
            if (state != OPEN) {
                throw new StrategyClosedException(name);
            }
            stripe.link(run);
        } finally {
            stripe.unlock();
        }
        try {
            if (!run.isDone()) { // a shutdownNow that ran since the run was linked has already withdrawn it
                dispatch(run);
            }
        } catch (RuntimeException | Error e) {
            run.requestStop(new CancellationException("task " + run.id() + " was not accepted: " + e), false);
            throw e;
        }
        if (timeout != null) {
            Timeouts.stopAfter(run, timeoutNanos, () -> new TaskTimedOutException(run.id(), timeout));
        }
        if (log.isTraceEnabled()) { // guarded: the varargs array and the boxed id would cost every submit
            log.trace("{}: submitted task {} ({})", name, run.id(), run.name());
        }
        return run;
    }

    @Override
    public final Backend backend() {
        return backend;
    }

    @Override
    public final Semantics semantics() {
        return semantics;
    }

    @Override
    public final void ended(TaskRun<?> run) {
        stripeOf(run).clear(run);
        if (state != OPEN && noneLive()) {
            releaseOnce();
        }
    }

    @Override
    public final void close() {
        beginShutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (awaitTermination(Duration.ofMinutes(1))) {
                    break;
                }
                log.warn("{}: still waiting in close() for {} task(s) to end", name, liveCount());
            } catch (InterruptedException e) {
                if (!interrupted) {
                    interrupted = true;
                    shutdownNow();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public final List<Task<?>> shutdownNow() {
        beginShutdown();
        List<TaskRun<?>> snapshot = new ArrayList<>();
        for (Stripe stripe : stripes) {
            stripe.lock();
            try {
                stripe.copyTo(snapshot);
            } finally {
                stripe.unlock();
            }
        }
        snapshot.sort(Comparator.comparingLong(TaskRun::id));
        // Withdraw every queued run before stopping any running one: a worker freed by a stop would otherwise start
        // the next queued run before this pass reached it, and the run would be stopped instead of returned.
        List<Task<?>> neverStarted = new ArrayList<>();
        for (TaskRun<?> run : snapshot) {
            if (run.taskState() == TaskState.QUEUED
                    && run.requestStop(new CancellationException("task " + run.id() + " was cancelled by shutdownNow"), true)
                    && run.cancellationStage().orElse(null) == CancellationStage.NOT_STARTED) {
                neverStarted.add(run.task());
            }
        }
        int running = 0;
        for (TaskRun<?> run : snapshot) {
            if (!run.isDone()) {
                running++;
                run.requestStop(new CancellationException("task " + run.id() + " was cancelled by shutdownNow"), true);
            }
        }
        log.debug("{}: shutdownNow withdrew {} queued task(s), asked {} running to stop", name, neverStarted.size(),
                running);
        return neverStarted;
    }

    @Override
    public final boolean isShutdown() {
        return state != OPEN;
    }

    @Override
    public final boolean isTerminated() {
        if (!releaseDone) {
            return false;
        }
        try {
            return awaitReleased(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public final boolean awaitTermination(Duration timeout) throws InterruptedException {
        long total = Durations.saturatedNanos(timeout);
        long start = System.nanoTime(); // elapsed time, not a deadline, so a huge timeout cannot overflow
        lock.lockInterruptibly();
        try {
            while (!releaseDone) {
                long left = total - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                releasedCondition.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
        return awaitReleased(Math.max(0, total - (System.nanoTime() - start)));
    }

    /** How many submitted tasks have not ended yet. */
    protected final int liveCount() {
        long n = 0;
        for (Stripe stripe : stripes) {
            n += stripe.live();
        }
        return (int) Math.min(Integer.MAX_VALUE, n); // each stripe's count is never negative (see Stripe.live)
    }

    /** A name for logs and thread names. */
    protected final String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + "[" + backend + ", " + semantics + (state == OPEN ? "" : ", shut down") + "]";
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    private void beginShutdown() {
        boolean first;
        int locked = 0;
        try {
            // every stripe lock, so that no submit is between its state check and linking its run
            for (Stripe stripe : stripes) {
                stripe.lock();
                locked++;
            }
            first = state == OPEN;
            state = SHUTDOWN;
        } finally {
            for (int i = 0; i < locked; i++) {
                stripes[i].unlock();
            }
        }
        if (first) {
            log.debug("{}: shutting down with {} live task(s)", name, liveCount());
            onShutdown();
            if (noneLive()) {
                releaseOnce();
            }
        }
    }

    /** Whether no run is live; reads each stripe's volatile counts (see the overview for why that suffices). */
    private boolean noneLive() {
        for (Stripe stripe : stripes) {
            if (stripe.live() != 0) {
                return false;
            }
        }
        return true;
    }

    private Stripe stripeOf(TaskRun<?> run) {
        return stripes[(int) run.id() & (stripes.length - 1)];
    }

    private static Stripe[] newStripes() {
        // a power of two of about sixteen per CPU (32 on 2 cores, at most 256): few enough to scan at shutdown, enough
        // that the submitting thread and the carriers ending runs rarely meet on one lock (with 8 stripes about 0.3 %
        // of the runs in the async benchmark found their stripe locked, and each such meeting parked a virtual thread)
        int n = Integer.highestOneBit(Math.clamp(16L * Runtime.getRuntime().availableProcessors(), 16, 256));
        Stripe[] s = new Stripe[n];
        for (int i = 0; i < n; i++) {
            s[i] = new Stripe();
        }
        return s;
    }

    private void releaseOnce() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            release();
        } catch (RuntimeException e) {
            log.warn("{}: releasing the backend failed", name, e);
        } finally {
            lock.lock();
            try {
                releaseDone = true;
                releasedCondition.signalAll();
            } finally {
                lock.unlock();
            }
            log.debug("{}: released", name);
        }
    }

}
