package io.stratagem.internal.classify;

import io.stratagem.Backend;
import io.stratagem.Calibration;
import io.stratagem.Profile;
import io.stratagem.Semantics;
import io.stratagem.Workload;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import static io.stratagem.internal.classify.Units.time;

/**
 * The classifier's cost model: predicts, for each backend, the makespan of a workload of identical tasks.
 *
 * <h2>Model</h2>
 * With {@code N} tasks of CPU {@code c} and wait {@code w}, {@code K} cores and the backend's default parallelism:
 * <ul>
 *   <li><b>Threads</b> ({@code T = min(32, K + 4)} threads, as {@code ThreadPoolExecutor}): each thread runs its
 *       share one after another, {@code ceil(N/T)·(c + w)}. Under {@link Semantics#PYTHON} all CPU serializes on
 *       the GIL ({@code N·c}) plus a GIL hand-over for every switch interval of contended CPU and two per wait,
 *       and the threads queue for the lock between their waits: {@link GilQueue} solves that contention, which
 *       grows with the number of threads competing. Under {@link Semantics#JVM} CPU spreads over
 *       {@code min(T, K)} cores, and the runs that computed last still wait: {@code max(N·c/min(T, K) + w, chain)}. Plus a hand-off per task, and the run's fixed start-up
 *       ({@code threadRunStartNanos}, at least the start of the pool's threads).</li>
 *   <li><b>Async</b>: unbounded concurrency, so waits overlap entirely ({@code + w}). {@code LOOP} mode
 *       ({@code PYTHON}) runs one task at a time: {@code N·c + w}, plus a loop hand-off between tasks that compute
 *       and a resume on the loop after each wait;
 *       {@code PARALLEL} ({@code JVM}) spreads CPU over
 *       the {@code K} carriers: {@code max(N·c/K, c) + w}. Plus the backend's measured per-task cost in that mode
 *       ({@code asyncLoopTaskNanos} or {@code asyncParallelTaskNanos}, each the wall time per task of a batch) and
 *       the run's fixed start-up ({@code asyncRunStartNanos}).</li>
 *   <li><b>Process pool</b> ({@code P = K} workers): worker start-up, then each worker runs its share one after
 *       another, each task paying a pipe round trip and its payload at the pipe bandwidth:
 *       {@code ceil(N/P)·(c + w + transfer)}, never less than the CPU spread over the cores or the payload through
 *       the caller's serializer. Parallel in both worlds.</li>
 * </ul>
 * A backend already running ({@code warm}) pays no start-up. For {@link Workload.Arrival#RATE} arrival the makespan is at least the arrival span plus one task's latency.
 * Every term is non-decreasing in {@code c}, {@code w} and the payload, which the property tests pin. Stateless and
 * thread-safe.
 */
public final class CostModel {

    /** The thread pool's default size for {@code cores} cores ({@code ThreadPoolExecutor}'s min(32, cores + 4)). */
    public static int defaultThreads(int cores) {
        return Math.min(32, cores + 4);
    }

    /** The process pool's default worker count ({@code os.cpu_count()}). */
    public static int defaultWorkers(int cores) {
        return cores;
    }

    private CostModel() {
    }

    /**
     * The async backend's measured per-task cost in the mode {@code sem} runs it in: {@code asyncLoopTaskNanos} for
     * {@link Semantics#PYTHON} ({@code LOOP}), {@code asyncParallelTaskNanos} for {@link Semantics#JVM}
     * ({@code PARALLEL}). Both are wall time per task of a batch, so neither is divided by the cores again.
     */
    public static double asyncTaskNanos(Calibration cal, Semantics sem) {
        return sem == Semantics.PYTHON ? cal.asyncLoopTaskNanos() : cal.asyncParallelTaskNanos();
    }

    /** Estimates for every backend, none of them warm. */
    public static Map<Backend, Estimate> estimateAll(Profile p, Workload wl, int cores, Calibration cal,
                                                     Semantics sem) {
        Map<Backend, Estimate> m = new EnumMap<>(Backend.class);
        for (Backend b : Backend.values()) {
            m.put(b, estimate(b, p, wl, cores, cal, sem, false));
        }
        return m;
    }

    /**
     * One backend's estimate.
     *
     * @param warm whether the backend is already running (no start-up cost)
     */
    public static Estimate estimate(Backend b, Profile p, Workload wl, int cores, Calibration cal, Semantics sem,
                                    boolean warm) {
        Estimate batch = batch(b, p, wl.tasks(), cores, cal, sem, warm);
        if (wl.arrival() == Workload.Arrival.ALL_AT_ONCE || wl.tasks() == 1) {
            return batch;
        }
        double span = (wl.tasks() - 1) / wl.ratePerSecond() * 1e9;
        Estimate one = batch(b, p, 1, cores, cal, sem, warm);
        double paced = span + one.makespan();
        if (paced <= batch.makespan()) {
            return batch;
        }
        return new Estimate(b, paced, batch.compute(), batch.overhead(), batch.transfer(), batch.startup(),
                batch.parallel(), () -> batch.sentence() + "; arrivals over " + time(span) + " pace it to " + time(paced));
    }

    private static Estimate batch(Backend b, Profile p, int n, int cores, Calibration cal, Semantics sem,
                                  boolean warm) {
        return switch (b) {
            case GIL_THREADS -> threads(p, n, cores, cal, sem, warm);
            case ASYNC -> async(p, n, cores, cal, sem, warm);
            case PROCESS_POOL -> processes(p, n, cores, cal, warm);
        };
    }

    private static Estimate threads(Profile p, int n, int cores, Calibration cal, Semantics sem, boolean warm) {
        // a run's fixed cost: creating the pool, starting its threads, the first submission waking them
        double startup = warm ? 0 : Math.max(cal.threadRunStartNanos(), defaultThreads(cores) * cal.threadStartNanos());
        double c = p.cpuTime().toNanos();
        double w = p.waitTime().toNanos();
        int t = Math.min(n, defaultThreads(cores));
        double chain = Math.ceil((double) n / t) * (c + w);
        if (sem == Semantics.PYTHON) {
            // Each task holds the GIL for its CPU and its hand-off; the lock changes hands twice around each wait,
            // and once per switch interval of CPU when other threads want it.
            double switches = (w > 0 ? 2 : 0) + (t > 1 ? c / cal.gilSwitchIntervalNanos() : 0);
            GilQueue gil = GilQueue.solve(t, c, w, cal.threadHandoffNanos(), switches, cal.gilSwitchNanos(),
                    cal.gilWaiterSwitchNanos());
            double serial = n * gil.demand();
            double queued = gil.makespan(n, t);
            double held = Math.ceil((double) n / t) * (c + w + cal.threadHandoffNanos());
            double body = Math.max(Math.max(serial, queued), held);
            double overhead = n * (gil.demand() - c);
            Supplier<String> how;
            if (w == 0 || gil.utilization(t) >= 0.995) {
                how = () -> "under the GIL " + n + " task(s) serialize to " + time(serial) + " (" + time(overhead)
                        + " of it GIL hand-overs and hand-offs)";
            } else if (queued >= held) {
                how = () -> t + " threads share the GIL between their waits: each task queues "
                        + time(gil.residence() - gil.demand()) + " for it behind "
                        + String.format(java.util.Locale.ROOT, "%.1f", Math.max(0, gil.queue() - 1))
                        + " other thread(s) on average, the lock busy " + Units.percent(gil.utilization(t)) + ": "
                        + time(queued);
            } else {
                how = () -> t + " threads overlap the waits under the GIL: " + time(held);
            }
            return new Estimate(Backend.GIL_THREADS, startup + body, Math.max(n * c, chain), overhead, 0, startup, 1,
                    how);
        }
        int onCores = Math.min(t, cores);
        // the CPU spread over the cores, then the wait of the runs that computed last (as on the virtual threads)
        double spread = n * c / onCores + w;
        double handoff = n * cal.threadHandoffNanos() / onCores;
        double compute = Math.max(spread, chain);
        return new Estimate(Backend.GIL_THREADS, startup + compute + handoff, compute, handoff, 0, startup, t,
                () -> t + " free threads on " + cores + " core(s): " + time(compute) + " (+ " + time(handoff)
                        + " hand-offs)");
    }

    private static Estimate async(Profile p, int n, int cores, Calibration cal, Semantics sem, boolean warm) {
        // a run's fixed cost: creating the strategy (and its loop), waking the carriers, the first task's cold path
        double startup = warm ? 0 : cal.asyncRunStartNanos();
        double c = p.cpuTime().toNanos();
        double w = p.waitTime().toNanos();
        double perTask = asyncTaskNanos(cal, sem);
        if (sem == Semantics.PYTHON) {
            double compute = n * c + w;
            // tasks that compute queue for the loop; each one hands it to the next; a task that waits must take the
            // loop back when its wait ends, queued behind the others that woke with it
            double overhead = n * perTask + (c > 0 && n > 1 ? (n - 1) * cal.loopHandoffNanos() : 0)
                    + (w > 0 ? n * cal.loopResumeNanos() : 0);
            return new Estimate(Backend.ASYNC, startup + compute + overhead, compute, overhead, 0, startup, 1,
                    () -> "one event loop: CPU of " + n + " task(s) serializes to " + time(n * c) + ", waits overlap (+ "
                            + time(w) + ") = " + time(compute));
        }
        double compute = Math.max(n * c / cores, c) + w;
        // measured as wall time per task of a batch on all the carriers: already spread over the cores
        double overhead = n * perTask;
        return new Estimate(Backend.ASYNC, startup + compute + overhead, compute, overhead, 0, startup,
                Math.min(n, cores),
                () -> "virtual threads over " + cores + " carrier(s): " + time(compute));
    }

    private static Estimate processes(Profile p, int n, int cores, Calibration cal, boolean warm) {
        double c = p.cpuTime().toNanos();
        double w = p.waitTime().toNanos();
        int workers = Math.min(n, defaultWorkers(cores));
        double bytes = (double) p.inputBytes() + p.outputBytes();
        double perTransfer = cal.threadHandoffNanos() + cal.pipeRoundTripNanos() + bytes / cal.pipeBytesPerSecond() * 1e9;
        double rounds = Math.ceil((double) n / workers);
        double chain = rounds * (c + w);
        double transfer = rounds * perTransfer;
        // Each task's handling (encoding, the pipe, the reader threads on both sides) is CPU on the same cores as the
        // work: once the workers compute on every core it no longer hides behind them, so it joins the CPU bound.
        double cpuBound = n * (c + (c > 0 ? cal.pipeRoundTripNanos() : 0)) / cores;
        double serializerBound = n * bytes / cal.serializationBytesPerSecond() * 1e9;
        double startup = warm ? 0 : cal.workerStartNanos() * Math.ceil((double) workers / cores);
        double body = Math.max(Math.max(chain + transfer, cpuBound + transfer), serializerBound);
        return new Estimate(Backend.PROCESS_POOL, startup + body, Math.max(chain, cpuBound), 0, transfer, startup,
                workers, () -> workers + " worker process(es): " + time(Math.max(chain, cpuBound)) + " + "
                        + time(transfer) + " transfer" + (warm ? "" : " + " + time(startup) + " start-up"));
    }
}
