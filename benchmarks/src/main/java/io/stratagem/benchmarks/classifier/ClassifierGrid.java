package io.stratagem.benchmarks.classifier;

import io.stratagem.Backend;
import io.stratagem.Classifier;
import io.stratagem.Environment;
import io.stratagem.Profile;
import io.stratagem.Recommendation;
import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.StrategyOptions;
import io.stratagem.TaskHandle;
import io.stratagem.Workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tests the classifier against reality: runs a grid of workloads on every backend, in both worlds, and reports for
 * each cell the regret (measured makespan of the recommended backend over the best measured one) and the predicted
 * against the measured makespan of the recommended backend.
 *
 * <p>Makespan is measured as the model predicts it: from creating the strategy (worker start-up included) until
 * the last task has ended; closing is not timed. Short cells are the median of several runs ({@link #measure}), after
 * every backend was warmed up the same way ({@link #warmUp()}). Run
 * with the JDK 25 java and the benchmarks class path:
 * {@code java -cp ... io.stratagem.benchmarks.classifier.ClassifierGrid [quick]}.
 */
public final class ClassifierGrid {

    /** One cell of the grid. */
    record Cell(double cpuMs, double waitMs, int inBytes, int tasks) {
        Profile profile() {
            return new Profile(Duration.ofNanos(Math.round(cpuMs * 1e6)), Duration.ofNanos(Math.round(waitMs * 1e6)),
                    inBytes, 0, false, false);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "cpu %s ms, wait %s ms, in %s, %d tasks", fmt(cpuMs), fmt(waitMs),
                    inBytes == 0 ? "0" : (inBytes >= 1 << 20 ? (inBytes >> 20) + " MiB" : (inBytes >> 10) + " KiB"),
                    tasks);
        }
    }

    static final List<Cell> GRID = List.of(
            new Cell(0, 0, 0, 1),
            new Cell(0, 0, 0, 10_000),
            new Cell(0.1, 0, 0, 10_000),
            new Cell(1, 0, 0, 1000),
            new Cell(0, 5, 0, 2000),
            new Cell(0, 500, 0, 20),
            new Cell(0, 50, 0, 200),
            new Cell(5, 20, 0, 100),
            new Cell(20, 100, 0, 40),
            new Cell(40, 0, 0, 50),
            new Cell(200, 0, 0, 1),
            new Cell(200, 0, 0, 8),
            new Cell(10, 0, 10 << 20, 20),
            new Cell(0, 0, 1 << 20, 100),
            new Cell(50, 0, 1 << 20, 20));

    /** Runs of every backend in every cell, at least. */
    static final int REPS = Integer.getInteger("grid.reps", 2);
    /** A backend's runs in a cell repeat until they total this much measured time (or {@link #MAX_REPS})... */
    static final double MIN_TOTAL_SECONDS = Integer.getInteger("grid.minTotalMs", 200) / 1e3;
    /** ...or until this many runs: a cell of a few milliseconds is then the median of this many. */
    static final int MAX_REPS = Integer.getInteger("grid.maxReps", 9);
    /**
     * The pause before every run, so each starts from an idle machine as a batch usually does, whatever ran before
     * it (the calibration measures the run start-ups the same way; back to back they are cheaper).
     */
    static final long IDLE_MS = Integer.getInteger("grid.idleMs", 20);

    /** Throw-away runs of every backend in each world before the grid is measured ({@link #warmUp()}). */
    static final int WARM_RUNS = Integer.getInteger("grid.warmRuns", 30);

    static final List<Cell> QUICK = List.of(GRID.get(0), GRID.get(5), GRID.get(9), GRID.get(12));

    record Row(Cell cell, Semantics sem, Map<Backend, Double> measured, Recommendation rec) {
        Backend best() {
            return measured.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }

        double regret() {
            return measured.get(rec.backend()) / measured.get(best());
        }

        double predictionRatio() {
            return rec.predicted().toNanos() / 1e9 / measured.get(rec.backend());
        }
    }

    public static void main(String[] args) throws Exception {
        List<Cell> grid = args.length > 0 && args[0].equals("quick") ? QUICK : GRID;
        long t0 = System.nanoTime();
        Work.iterationsPerNano();
        Environment env = Environment.measured();
        System.out.println("# calibration (" + env.cores() + " cores): " + env.calibration().asMap());
        warmUp();
        List<Row> rows = new ArrayList<>();
        for (Semantics sem : Semantics.values()) {
            for (Cell cell : grid) {
                Map<Backend, Double> m = measure(sem, cell);
                Recommendation rec = Classifier.create().recommend(cell.profile(), Workload.batch(cell.tasks()), env,
                        sem);
                Row row = new Row(cell, sem, m, rec);
                rows.add(row);
                System.out.println(line(row));
            }
        }
        System.out.println();
        System.out.println(table(rows));
        long ok = rows.stream().filter(r -> r.regret() <= 1.15).count();
        long close = rows.stream().filter(r -> Math.abs(r.predictionRatio() - 1) <= 0.35).count();
        System.out.printf(Locale.ROOT, "%nregret <= 1.15 in %d of %d cells (%.0f %%); prediction within +-35 %% in %d of %d"
                        + " (%.0f %%); grid took %.0f s%n", ok, rows.size(), 100.0 * ok / rows.size(), close,
                rows.size(), 100.0 * close / rows.size(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Every backend's makespan for the cell: the median of its runs, interleaved round by round across the backends.
     * One rule for every backend: it runs at least {@link #REPS} times, and again while its runs total less than
     * {@link #MIN_TOTAL_SECONDS}, up to {@link #MAX_REPS} runs. A run of a few milliseconds is dominated by a wake-up
     * or a timer tick going one way or the other; the median of several is the typical run the model predicts,
     * while a run that alone takes long enough is measured once, as before.
     */
    static Map<Backend, Double> measure(Semantics sem, Cell cell) throws InterruptedException {
        Map<Backend, List<Double>> runs = new EnumMap<>(Backend.class);
        for (Backend b : Backend.values()) {
            runs.put(b, new ArrayList<>());
        }
        boolean more = true;
        while (more) {
            more = false;
            for (Backend b : Backend.values()) {
                List<Double> r = runs.get(b);
                double total = r.stream().mapToDouble(Double::doubleValue).sum();
                if (r.size() < REPS || (total < MIN_TOTAL_SECONDS && r.size() < MAX_REPS)) {
                    r.add(run(b, sem, cell));
                    more = true;
                }
            }
        }
        Map<Backend, Double> m = new EnumMap<>(Backend.class);
        runs.forEach((b, r) -> m.put(b, median(r)));
        return m;
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }

    /**
     * Runs every backend {@link #WARM_RUNS} times on one empty task in each world, back to back, before anything is
     * measured. A backend's creation path is compiled by the JIT only after dozens of strategies were created:
     * without this, the grid's first cells measured it barely compiled and its later cells compiled (the async
     * backend's run start was about 1.5 ms in the first cell and under 1 ms in the sixteenth, the same cost), so the
     * order of the cells decided part of what was measured. The calibration warms the creation path the same way
     * before it times a run start.
     */
    static void warmUp() throws InterruptedException {
        Cell empty = new Cell(0, 0, 0, 1);
        for (Semantics sem : Semantics.values()) {
            for (Backend b : Backend.values()) {
                for (int i = 0; i < WARM_RUNS; i++) {
                    timed(b, sem, empty);
                }
            }
        }
    }

    /** Seconds from creating the strategy until the last task of the cell has ended, after the idle pause. */
    static double run(Backend b, Semantics sem, Cell cell) throws InterruptedException {
        Thread.sleep(IDLE_MS);
        return timed(b, sem, cell);
    }

    private static double timed(Backend b, Semantics sem, Cell cell) {
        Work task = Work.of("grid", Duration.ofNanos(Math.round(cell.cpuMs() * 1e6)),
                Duration.ofNanos(Math.round(cell.waitMs() * 1e6)), cell.inBytes(), 0);
        long t0 = System.nanoTime();
        Strategy s = Strategy.create(b, new StrategyOptions(sem, 0, Map.of()));
        try {
            List<TaskHandle<byte[]>> hs = new ArrayList<>(cell.tasks());
            for (int i = 0; i < cell.tasks(); i++) {
                hs.add(s.submit(task));
            }
            for (TaskHandle<byte[]> h : hs) {
                h.join();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            s.close();
        }
    }

    static String line(Row r) {
        return String.format(Locale.ROOT, "%-6s %-45s threads %8.4f s  async %8.4f s  pool %8.4f s  -> %s "
                        + "(pred %.4f s), regret %.2f, predicted / measured %.2f", r.sem(), r.cell(),
                r.measured().get(Backend.GIL_THREADS), r.measured().get(Backend.ASYNC),
                r.measured().get(Backend.PROCESS_POOL), r.rec().backend(), r.rec().predicted().toNanos() / 1e9,
                r.regret(), r.predictionRatio());
    }

    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| semantics | workload | threads | async | process pool | best | recommended | regret "
                + "| predicted / measured |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f |%n", r.sem(),
                    r.cell(), sec(r, Backend.GIL_THREADS), sec(r, Backend.ASYNC), sec(r, Backend.PROCESS_POOL),
                    r.best(), r.rec().backend(), r.regret(), r.predictionRatio()));
        }
        return sb.toString();
    }

    private static String sec(Row r, Backend b) {
        String pred = String.format(Locale.ROOT, "%.2f", r.rec().predictedMakespan().get(b).toNanos() / 1e9);
        return String.format(Locale.ROOT, "%.2f s (pred %s)", r.measured().get(b), pred);
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private ClassifierGrid() {
    }
}
