package io.stratagem.internal.classify;

import io.stratagem.Backend;
import io.stratagem.Environment;
import io.stratagem.Profile;
import io.stratagem.Semantics;
import io.stratagem.Workload;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What auto placement has in flight on each backend, and the choice of a backend for one more run by the predicted
 * makespan of everything in flight. Thread-safe: one lock guards the sums; {@link #choose} reads them all under it.
 *
 * <h2>The choice</h2>
 * For each candidate, the cost model predicts the makespan of what is in flight on it plus the new run: in-flight work
 * summarised as one averaged profile (waits left out of the average on the unbounded async backend, where they
 * overlap), start-up left out once the backend runs, never less than the longest run in flight on it, and never less
 * than all CPU in flight on every backend spread over the cores (the backends share them). A
 * placement's cost is the makespan of everything in flight: the largest of that prediction and every other backend's
 * own. The smallest wins (greedy list scheduling). Costs within {@link #TIE} of each other are a tie, which goes to a
 * backend already running rather than one that would have to start, then to the backend that would run the kind's own
 * batch fastest alone, and when that ties too, to the backend with the most
 * runs in flight: backends that share the cores are not mixed for differences below the calibration's precision
 * (their threads would only take turns on the same cores).
 */
final class InFlight {

    /** Predicted costs closer than this fraction are a tie: below the calibration's precision. */
    static final double TIE = 0.02;

    /** A backend chosen for a run, and the predicted makespan of everything in flight once it is placed there. */
    record Choice(Backend backend, double makespan) {
    }

    /** Per backend, what is in flight on it, as sums of the profiles it was placed by. Guarded by {@code lock}. */
    private static final class Load {
        int tasks;
        double cpu;
        double wait;
        double inputBytes;
        double outputBytes;
        /**
         * How many runs of each length (CPU + wait) are in flight, for the longest: the averaged profile would let a
         * 100 ms wait beside short CPU runs look like 50 ms, and no backend ends before its longest run.
         */
        final TreeMap<Long, Integer> lengths = new TreeMap<>();
        /** When the backend was created ({@link System#nanoTime()}), or null while it does not run. */
        Long startedAt;

        double longest() {
            return lengths.isEmpty() ? 0 : lengths.lastKey();
        }
    }

    private final Semantics semantics;
    private final Environment env;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Backend, Load> loads = new EnumMap<>(Backend.class);

    InFlight(Semantics semantics, Environment env) {
        this.semantics = semantics;
        this.env = env;
        for (Backend b : Backend.values()) {
            loads.put(b, new Load());
        }
    }

    /** Backend {@code b} was created at {@code nanos}: from now on it pays no start-up (the pool: what is left of it). */
    void started(Backend b, long nanos) {
        lock.lock();
        try {
            loads.get(b).startedAt = nanos;
        } finally {
            lock.unlock();
        }
    }

    /** A run of profile {@code p} (null: not known yet, counted but not summed) was placed on (+1) or left (-1) {@code b}. */
    void add(Backend b, Profile p, int sign) {
        lock.lock();
        try {
            Load l = loads.get(b);
            l.tasks += sign;
            if (p != null) {
                l.cpu = Math.max(0, l.cpu + sign * (double) p.cpuTime().toNanos());
                l.wait = Math.max(0, l.wait + sign * (double) p.waitTime().toNanos());
                l.inputBytes = Math.max(0, l.inputBytes + sign * (double) p.inputBytes());
                l.outputBytes = Math.max(0, l.outputBytes + sign * (double) p.outputBytes());
                long length = p.cpuTime().toNanos() + p.waitTime().toNanos();
                l.lengths.merge(length, sign, (a, c) -> a + c == 0 ? null : a + c);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The backend among {@code candidates} for one more run of profile {@code p}, whose kind has {@code kindInFlight}
     * runs in flight already; null if there is no candidate.
     */
    Choice choose(Profile p, int kindInFlight, Set<Backend> candidates) {
        Backend best = null;
        double bestCost = Double.MAX_VALUE;
        double bestAlone = Double.MAX_VALUE;
        int bestInFlight = 0;
        boolean bestStarted = false;
        long now = System.nanoTime();
        // the kind's own batch (what is in flight of it, plus this run), as if each backend ran it alone
        Workload kindBatch = Workload.batch(kindInFlight + 1);
        lock.lock();
        try {
            Map<Backend, Double> current = new EnumMap<>(Backend.class);
            for (Backend b : Backend.values()) {
                current.put(b, predicted(b, null, now));
            }
            for (Backend b : candidates) {
                double cost = predicted(b, p, now);
                for (Map.Entry<Backend, Double> other : current.entrySet()) {
                    if (other.getKey() != b) {
                        cost = Math.max(cost, other.getValue());
                    }
                }
                Load l = loads.get(b);
                double alone = CostModel.estimate(b, p, kindBatch, env.cores(), env.calibration(), semantics,
                        l.startedAt != null).makespan();
                // Placements that leave the makespan within TIE of each other are a tie: another backend bounds it,
                // or the shared cores bound every choice and the costs differ by microseconds of per-task overhead,
                // below the calibration's precision. A tie never starts a backend beside one that runs: the start
                // (worker JVMs, above all) costs CPU on the shared cores and buys nothing the tie did not show (a pool
                // started for light tasks while the GIL and the loop already held both cores). Otherwise a tie goes
                // to the backend that would run the kind best alone (so waits do not queue behind CPU on a few
                // threads); if that ties too, to the one already running the most, so that kinds gather on one
                // backend instead of two backends' threads taking turns on the same cores.
                boolean started = l.startedAt != null;
                boolean better;
                if (best == null || !tie(cost, bestCost)) {
                    better = cost < bestCost;
                } else if (started != bestStarted) {
                    better = started;
                } else if (!tie(alone, bestAlone) || l.tasks == bestInFlight) {
                    better = alone < bestAlone;
                } else {
                    better = l.tasks > bestInFlight;
                }
                if (better) {
                    bestCost = Math.min(cost, bestCost);
                    best = b;
                    bestAlone = alone;
                    bestInFlight = l.tasks;
                    bestStarted = started;
                }
            }
        } finally {
            lock.unlock();
        }
        return best == null ? null : new Choice(best, bestCost);
    }

    /**
     * The predicted makespan of what is in flight on {@code b}, plus a run of profile {@code added} if not null; 0 for
     * a backend with nothing. Call under {@code lock}.
     */
    private double predicted(Backend b, Profile added, long now) {
        Load l = loads.get(b);
        int n = l.tasks + (added == null ? 0 : 1);
        if (n == 0) {
            return 0;
        }
        double addCpu = added == null ? 0 : added.cpuTime().toNanos();
        double addWait = added == null ? 0 : added.waitTime().toNanos();
        double addIn = added == null ? 0 : added.inputBytes();
        double addOut = added == null ? 0 : added.outputBytes();
        // The loop and the virtual threads are unbounded: the waits of a mix overlap each other and the CPU, so only
        // the CPU is averaged, and the longest run (below) bounds the rest; averaging the waits in would add a mean
        // wait after all the CPU, as if every run waited last.
        double waits = b == Backend.ASYNC ? 0 : l.wait + addWait;
        Profile avg = new Profile(Duration.ofNanos(Math.round((l.cpu + addCpu) / n)),
                Duration.ofNanos(Math.round(waits / n)), Math.round((l.inputBytes + addIn) / n),
                Math.round((l.outputBytes + addOut) / n), false, false);
        Estimate e = CostModel.estimate(b, avg, Workload.batch(n), env.cores(), env.calibration(), semantics,
                l.startedAt != null);
        double startupLeft = l.startedAt == null || b != Backend.PROCESS_POOL ? 0
                : Math.max(0, env.calibration().workerStartNanos() - (now - l.startedAt));
        // All backends share the cores: the CPU in flight everywhere, spread over them, bounds every choice.
        double shared = (totalCpu() + addCpu) / env.cores() + e.overhead() + e.transfer() + e.startup();
        double longest = Math.max(l.longest(), addCpu + addWait) + e.startup();
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
}
