package io.stratagem.internal.classify;

import io.stratagem.AutoStrategy;
import io.stratagem.Backend;
import io.stratagem.BackendNotAvailableException;
import io.stratagem.CancellationStage;
import io.stratagem.Classifier;
import io.stratagem.Environment;
import io.stratagem.PlacementReport;
import io.stratagem.Profile;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import io.stratagem.spi.AbstractStrategy;
import io.stratagem.spi.TaskRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The {@link AutoStrategy}: each submitted run is placed on one backend, where an {@link ObservingTask} runs it and
 * measures it; the backend's handle completes the caller's run.
 *
 * <h2>Implementation overview</h2>
 * A run is <em>placed</em> when its backend is chosen: it is counted in its kind and in its backend's load, and
 * submitted, wrapped in an {@link ObservingTask}, to that backend. It stays QUEUED until the backend starts the
 * wrapper, which first starts the run ({@link TaskRun#tryStart} with no thread, as the backend owns the thread) and
 * runs the body only if that succeeds; so a run withdrawn while it waits on its backend (cancel, timeout,
 * shutdownNow) never runs, and its {@code inner} is cancelled. A worker process cannot call back: a run placed on
 * the process pool is started at placement. The backend's handle ({@code inner}) drives the run's end: a result
 * succeeds it, a failure fails it, a cancellation finishes it as stopped at the inner stage. Cancelling the run
 * cancels {@code inner} (it is published in {@code inners} before the run's stop flag is re-read, so a cancel racing
 * with placement is never lost).
 * <p>A run of an unknown kind (no profile, nothing observed yet) is either placed on the observation backend
 * (threads, where CPU time is measurable), at most {@code cores} at a time, or <em>held</em> in its kind, still
 * QUEUED, until the first observation of the kind arrives; then the held runs are placed by it. A held run that is
 * cancelled is withdrawn from its kind.
 * <p>The choice of a backend ({@link InFlight}): the one whose placement leaves the smallest predicted makespan of
 * everything in flight; ties below the calibration's precision go to the backend that runs the kind best alone, then
 * to the one running the most, so that kinds gather instead of two pools' threads sharing the cores.
 * <p>Backends are created lazily under {@code lock}, never for a run already ended nor after the strategy is released,
 * and closed on a separate thread once it is. {@link InFlight} has a lock of its own, taken inside {@code lock} or
 * alone, and calls nothing back, so the two cannot deadlock.
 */
public final class AutoPlacer extends AbstractStrategy implements AutoStrategy {

    private static final Logger log = LoggerFactory.getLogger(AutoPlacer.class);
    private static final Backend OBSERVATION_BACKEND = Backend.GIL_THREADS;

    private final Semantics semantics;
    private final Environment env;
    private final Function<Backend, Strategy> factory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Backend, Strategy> backends = new EnumMap<>(Backend.class);
    private final Set<Backend> unavailable = EnumSet.noneOf(Backend.class);
    private final InFlight inFlight;
    private final Map<String, KindStats> kinds = new ConcurrentHashMap<>();
    private final List<KindStats> kindOrder = new CopyOnWriteArrayList<>();
    private final Map<TaskRun<?>, TaskHandle<?>> inners = new ConcurrentHashMap<>();
    /** Set by {@link #release()} under {@code lock}: no backend is created after it. */
    private boolean released;
    private volatile Thread closer;

    /**
     * An auto strategy creating its backends with {@code factory}; tests pass fakes here.
     */
    public AutoPlacer(Semantics semantics, Environment env, Function<Backend, Strategy> factory) {
        super("auto-" + semantics.name().toLowerCase(java.util.Locale.ROOT), OBSERVATION_BACKEND, semantics);
        this.semantics = Objects.requireNonNull(semantics, "semantics");
        this.env = Objects.requireNonNull(env, "environment");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.inFlight = new InFlight(semantics, env);
    }

    /** An auto strategy over the backends installed on the class path. */
    public static AutoStrategy withInstalledBackends(Semantics semantics, Environment env) {
        StrategyOptions options = new StrategyOptions(semantics, 0, Map.of());
        return new AutoPlacer(semantics, env, b -> Strategy.create(b, options));
    }

    @Override
    public Environment environment() {
        return env;
    }

    @Override
    public PlacementReport report() {
        List<PlacementReport.Kind> list = new ArrayList<>();
        for (KindStats k : kindOrder) {
            list.add(k.snapshot());
        }
        return new PlacementReport(semantics, list);
    }

    // ---- placement ----------------------------------------------------------------------------------------------

    @Override
    protected void dispatch(TaskRun<?> run) {
        KindStats kind = kinds.computeIfAbsent(run.name(), n -> {
            KindStats k = new KindStats(n);
            kindOrder.add(k);
            return k;
        });
        run.task().profile().ifPresent(kind::declare);
        Optional<Profile> profile = kind.placementProfile();
        if (profile.isEmpty()) {
            if (kind.observeOrHold(run, env.cores())) {
                place(run, kind, observationBackend(), null, true);
            }
            return;
        }
        place(run, kind, choose(profile.get(), kind), profile.get(), true);
    }

    private Backend observationBackend() {
        for (Backend b : List.of(OBSERVATION_BACKEND, Backend.ASYNC, Backend.PROCESS_POOL)) {
            if (isAvailable(b)) {
                return b;
            }
        }
        throw new BackendNotAvailableException(OBSERVATION_BACKEND);
    }

    private Backend choose(Profile p, KindStats kind) {
        Set<Backend> candidates = EnumSet.noneOf(Backend.class);
        for (Backend b : Backend.values()) {
            if (Classifier.eligible(b, p) && isAvailable(b)) {
                candidates.add(b);
            }
        }
        InFlight.Choice c = inFlight.choose(p, kind.inFlight(), candidates);
        if (c == null) {
            throw new BackendNotAvailableException(p.needsIsolation() ? Backend.PROCESS_POOL : OBSERVATION_BACKEND);
        }
        if (log.isDebugEnabled()) {
            log.debug("{}: kind {} ({} in flight) -> {}, predicted {}", name(), kind.name, kind.inFlight(),
                    c.backend(), Units.time(c.makespan()));
        }
        return c.backend();
    }

    private boolean isAvailable(Backend b) {
        lock.lock();
        try {
            return !unavailable.contains(b);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Creates the backend if needed. A missing backend is remembered, and the run is placed elsewhere.
     *
     * @return null once this strategy is released (every run has ended): a backend created now would never be closed
     */
    private Strategy backend(Backend b) {
        lock.lock();
        try {
            if (released) {
                return null;
            }
            Strategy s = backends.get(b);
            if (s == null) {
                s = factory.apply(b);
                backends.put(b, s);
                inFlight.started(b, System.nanoTime());
                log.info("{}: created the {} backend", name(), b);
            }
            return s;
        } catch (BackendNotAvailableException e) {
            unavailable.add(b);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    private <T> void place(TaskRun<T> run, KindStats kind, Backend b, Profile p, boolean fromSubmit) {
        if (run.isDone()) {
            return; // withdrawn before placement (cancel, timeout, shutdownNow): no backend is created for it
        }
        Strategy s;
        try {
            s = backend(b);
        } catch (BackendNotAvailableException e) {
            log.warn("{}: {} is not installed; placing {} elsewhere", name(), b, kind.name);
            place(run, kind, p == null ? observationBackend() : choose(p, kind), p, fromSubmit);
            return;
        }
        if (s == null) {
            return; // released, so every run has ended, this one too
        }
        // In this JVM the run starts when the backend starts it, so it stays QUEUED (and withdrawable) while it
        // waits there. A worker process cannot call back: a run placed on the pool starts here.
        boolean outOfProcess = b == Backend.PROCESS_POOL;
        if (outOfProcess && !run.tryStart(null)) {
            return; // withdrawn meanwhile
        }
        inFlight.add(b, p, +1);
        kind.placed(b);
        TaskHandle<Observed<T>> inner;
        try {
            inner = s.submit(new ObservingTask<>(run.task(), run.id(), outOfProcess ? null : () -> start(run)));
        } catch (RuntimeException | Error e) {
            inFlight.add(b, p, -1);
            KindStats.Ended ended = kind.ended(null);
            boolean endedAlready = run.isDone();
            startIfQueued(run);
            run.fail(e);
            afterEnd(kind, ended);
            if (fromSubmit && !endedAlready) {
                throw e;
            }
            return;
        }
        inners.put(run, inner);
        if (run.isStopRequested()) { // published before re-reading: a racing cancel or withdrawal is never lost
            inner.cancel(true);
        }
        inner.whenComplete((obs, err) -> finish(run, kind, b, p, inner, obs, err));
    }

    private <T> void finish(TaskRun<T> run, KindStats kind, Backend b, Profile p, TaskHandle<Observed<T>> inner,
                            Observed<T> obs, Throwable err) {
        inners.remove(run);
        inFlight.add(b, p, -1);
        KindStats.Ended ended = kind.ended(err == null ? obs : null);
        if (err == null) {
            run.recordCpuTime(Duration.ofNanos(obs.cpuNanos()));
            run.succeed(obs.value());
        } else if (inner.isCancelled()) {
            run.finishStopped(inner.cancellationStage().orElse(CancellationStage.CHECKPOINT));
        } else {
            startIfQueued(run); // the backend failed it without starting it
            run.fail(err instanceof CompletionException && err.getCause() != null ? err.getCause() : err);
        }
        afterEnd(kind, ended);
    }

    /** Called by the {@link ObservingTask} when its backend starts it: whether the body may run. */
    private static boolean start(TaskRun<?> run) {
        return !run.isDone() && run.tryStart(null);
    }

    /** Starts a run not yet started, so that {@code fail} can end it; a started or ended run is left alone. */
    private static void startIfQueued(TaskRun<?> run) {
        if (run.taskState() == TaskState.QUEUED) {
            run.tryStart(null);
        }
    }

    /**
     * Reports a contradiction found by an ending run and places the runs its kind held. Runs on a backend's
     * completion thread, so nothing may escape: a held run that cannot be placed fails with the reason.
     */
    private void afterEnd(KindStats kind, KindStats.Ended ended) {
        if (ended.contradiction() != null) {
            log.warn("{}: {}", name(), ended.contradiction());
        }
        for (TaskRun<?> held : ended.release()) {
            try {
                Optional<Profile> known = kind.placementProfile();
                if (known.isPresent()) {
                    place(held, kind, choose(known.get(), kind), known.get(), false);
                } else {
                    place(held, kind, observationBackend(), null, false);
                }
            } catch (RuntimeException | Error e) {
                startIfQueued(held);
                held.fail(e);
            }
        }
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------------

    /** A run withdrawn before starting: held in its kind, or queued on a backend, which drops it too. */
    @Override
    public void withdrawn(TaskRun<?> run) {
        KindStats k = kinds.get(run.name());
        if (k != null) {
            k.unhold(run);
        }
        TaskHandle<?> inner = inners.get(run);
        if (inner != null) {
            inner.cancel(false); // the body will not run anyway: the wrapper finds the run withdrawn
        }
    }

    @Override
    public void stopRequested(TaskRun<?> run, boolean mayInterrupt) {
        TaskHandle<?> inner = inners.get(run);
        if (inner != null) {
            inner.cancel(mayInterrupt);
        }
    }

    @Override
    protected void release() {
        List<Strategy> toClose;
        lock.lock();
        try {
            released = true;
            toClose = new ArrayList<>(backends.values());
        } finally {
            lock.unlock();
        }
        Thread t = Thread.ofPlatform().daemon().name(name() + "-closer").unstarted(() -> {
            for (Strategy s : toClose) {
                s.close();
            }
        });
        closer = t;
        t.start();
    }

    @Override
    protected boolean awaitReleased(long nanos) throws InterruptedException {
        Thread t = closer;
        if (t == null) {
            return true;
        }
        if (nanos > 0) {
            TimeUnit.NANOSECONDS.timedJoin(t, nanos);
        }
        return !t.isAlive();
    }
}
