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
import io.stratagem.Workload;
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
 * <p>The choice: for each eligible backend, the model predicts the makespan of everything in flight on it plus this
 * task (in-flight work summarised as one averaged profile, waits left out of the average on the unbounded async
 * backend), start-up left out once the backend runs, never less than the longest run placed on it since it was last
 * idle, and never less than all CPU in flight on every backend spread over the cores (the backends share them). A
 * placement's cost is the makespan of everything in flight: the largest of that prediction and every other backend's
 * own; the smallest wins (greedy list scheduling). Costs within 2 % of each other are a tie, which goes to the backend that would run the
 * kind's own batch fastest alone, and when that ties too, to the backend with the most runs in flight: backends that
 * share the cores are not mixed for differences below the calibration's precision (their threads would only take
 * turns on the same cores). Backends are created lazily under {@code lock}, never for a run already ended nor after
 * the strategy is released, and closed on a separate thread once it is.
 */
public final class AutoPlacer extends AbstractStrategy implements AutoStrategy {

    private static final Logger log = LoggerFactory.getLogger(AutoPlacer.class);
    private static final Backend OBSERVATION_BACKEND = Backend.GIL_THREADS;
    /** Predicted costs closer than this fraction are a tie: below the calibration's precision. */
    private static final double TIE = 0.02;

    private final Semantics semantics;
    private final Environment env;
    private final Function<Backend, Strategy> factory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Backend, Strategy> backends = new EnumMap<>(Backend.class);
    private final Map<Backend, Long> createdAt = new EnumMap<>(Backend.class);
    private final Set<Backend> unavailable = EnumSet.noneOf(Backend.class);
    private final Map<Backend, Load> loads = new EnumMap<>(Backend.class);
    private final Map<String, KindStats> kinds = new ConcurrentHashMap<>();
    private final List<KindStats> kindOrder = new CopyOnWriteArrayList<>();
    private final Map<TaskRun<?>, TaskHandle<?>> inners = new ConcurrentHashMap<>();
    /** Set by {@link #release()} under {@code lock}: no backend is created after it. */
    private boolean released;
    private volatile Thread closer;

    /** Per backend, what is in flight on it, as sums of the profiles it was placed by. Guarded by {@code lock}. */
    private static final class Load {
        int tasks;
        double cpu;
        double wait;
        /**
         * The longest run (CPU + wait) placed since the backend was last idle: the averaged profile would let a
         * 100 ms wait beside short CPU runs look like 50 ms, and no backend ends before its longest run.
         */
        double longest;
    }

    /**
     * An auto strategy creating its backends with {@code factory}; tests pass fakes here.
     */
    public AutoPlacer(Semantics semantics, Environment env, Function<Backend, Strategy> factory) {
        super("auto-" + semantics.name().toLowerCase(java.util.Locale.ROOT), OBSERVATION_BACKEND, semantics);
        this.semantics = Objects.requireNonNull(semantics, "semantics");
        this.env = Objects.requireNonNull(env, "environment");
        this.factory = Objects.requireNonNull(factory, "factory");
        for (Backend b : Backend.values()) {
            loads.put(b, new Load());
        }
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
        Backend best = null;
        double bestCost = Double.MAX_VALUE;
        double bestAlone = Double.MAX_VALUE;
        int bestInFlight = 0;
        long now = System.nanoTime();
        // the kind's own batch (what is in flight of it, plus this run), as if each backend ran it alone
        Workload kindBatch = Workload.batch(kind.inFlight() + 1);
        lock.lock();
        try {
            Map<Backend, Double> current = new EnumMap<>(Backend.class);
            for (Backend b : Backend.values()) {
                current.put(b, predicted(b, null, now));
            }
            for (Backend b : Backend.values()) {
                if (!Classifier.eligible(b, p) || unavailable.contains(b)) {
                    continue;
                }
                // the predicted makespan of everything in flight, with this run placed on b
                double cost = predicted(b, p, now);
                for (Map.Entry<Backend, Double> other : current.entrySet()) {
                    if (other.getKey() != b) {
                        cost = Math.max(cost, other.getValue());
                    }
                }
                double alone = CostModel.estimate(b, p, kindBatch, env.cores(), env.calibration(), semantics,
                        createdAt.containsKey(b)).makespan();
                int inFlight = loads.get(b).tasks;
                // Placements that leave the makespan within TIE of each other are a tie: another backend bounds it,
                // or the shared cores bound every choice and the costs differ by microseconds of per-task overhead,
                // below the calibration's precision. A tie goes to the backend that would run the kind best alone
                // (so waits do not queue behind CPU on a few threads); if that ties too, to the one already running
                // the most, so that kinds gather on one backend instead of two backends' threads taking turns on the
                // same cores.
                boolean better;
                if (best == null || !tie(cost, bestCost)) {
                    better = cost < bestCost;
                } else if (!tie(alone, bestAlone) || inFlight == bestInFlight) {
                    better = alone < bestAlone;
                } else {
                    better = inFlight > bestInFlight;
                }
                if (better) {
                    bestCost = Math.min(cost, bestCost);
                    best = b;
                    bestAlone = alone;
                    bestInFlight = inFlight;
                }
            }
        } finally {
            lock.unlock();
        }
        if (best == null) {
            throw new BackendNotAvailableException(p.needsIsolation() ? Backend.PROCESS_POOL : OBSERVATION_BACKEND);
        }
        if (log.isDebugEnabled()) {
            log.debug("{}: kind {} ({} in flight) -> {}, predicted {}", name(), kind.name, kind.inFlight(), best,
                    Units.time(bestCost));
        }
        return best;
    }

    /**
     * The predicted makespan of what is in flight on {@code b}, plus a run of profile {@code added} if not null (in
     * flight work summarised as one averaged profile); 0 for a backend with nothing. Call under {@code lock}.
     */
    private double predicted(Backend b, Profile added, long now) {
        Load l = loads.get(b);
        int n = l.tasks + (added == null ? 0 : 1);
        if (n == 0) {
            return 0;
        }
        double addCpu = added == null ? 0 : added.cpuTime().toNanos();
        double addWait = added == null ? 0 : added.waitTime().toNanos();
        // The loop and the virtual threads are unbounded: the waits of a mix overlap each other and the CPU, so only
        // the CPU is averaged, and the longest run (below) bounds the rest; averaging the waits in would add a mean
        // wait after all the CPU, as if every run waited last.
        double waits = b == Backend.ASYNC ? 0 : l.wait + addWait;
        Profile avg = new Profile(Duration.ofNanos(Math.round((l.cpu + addCpu) / n)),
                Duration.ofNanos(Math.round(waits / n)), added == null ? 0 : added.inputBytes(),
                added == null ? 0 : added.outputBytes(), false, false);
        Long created = createdAt.get(b);
        Estimate e = CostModel.estimate(b, avg, Workload.batch(n), env.cores(), env.calibration(), semantics,
                created != null);
        double startupLeft = created == null || b != Backend.PROCESS_POOL ? 0
                : Math.max(0, env.calibration().workerStartNanos() - (now - created));
        // All backends share the cores: the CPU in flight everywhere, spread over them, bounds every choice.
        double shared = (totalCpu() + addCpu) / env.cores() + e.overhead() + e.transfer() + e.startup();
        double longest = Math.max(l.longest, addCpu + addWait) + e.startup();
        return Math.max(Math.max(e.makespan(), longest), shared) + startupLeft;
    }

    private static boolean tie(double a, double b) {
        return Math.abs(a - b) <= TIE * Math.min(a, b);
    }

    /** CPU in flight on all backends; call under {@code lock}. */
    private double totalCpu() {
        double sum = 0;
        for (Load l : loads.values()) {
            sum += l.cpu;
        }
        return sum;
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
                createdAt.put(b, System.nanoTime());
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
        addLoad(b, p, +1);
        kind.placed(b);
        TaskHandle<Observed<T>> inner;
        try {
            inner = s.submit(new ObservingTask<>(run.task(), run.id(), outOfProcess ? null : () -> start(run)));
        } catch (RuntimeException | Error e) {
            addLoad(b, p, -1);
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
        addLoad(b, p, -1);
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

    private void addLoad(Backend b, Profile p, int sign) {
        lock.lock();
        try {
            Load l = loads.get(b);
            l.tasks += sign;
            if (p != null) {
                l.cpu = Math.max(0, l.cpu + sign * (double) p.cpuTime().toNanos());
                l.wait = Math.max(0, l.wait + sign * (double) p.waitTime().toNanos());
                if (sign > 0) {
                    l.longest = Math.max(l.longest, (double) p.cpuTime().toNanos() + p.waitTime().toNanos());
                }
            }
            if (l.tasks == 0) {
                l.longest = 0;
            }
        } finally {
            lock.unlock();
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
