package io.stratagem.benchmarks.classifier;

import io.stratagem.Backend;
import io.stratagem.Calibration;
import io.stratagem.Semantics;
import io.stratagem.internal.classify.Calibrator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the calibration against the grid: calibrates this machine several times ({@code -Dcheck.calibrations=5}) and
 * prints each constant's median and spread, then measures the in-process backends' short-cell terms directly, the way
 * {@link ClassifierGrid} measures a cell (after its warm-up, a fresh strategy per run, each after its idle pause, the median
 * of {@link ClassifierGrid#MAX_REPS} runs): the fixed cost of a run (one empty task), the per-task cost of 10,000
 * empty tasks, of 2,000 tasks that wait 5 ms and of 100 tasks carrying 1 MiB, each beyond the run's fixed cost
 * ({@code -Dcheck.direct=false} skips these).
 * Run with the JDK 25 java and the benchmarks class path:
 * {@code java -cp ... io.stratagem.benchmarks.classifier.CalibrationCheck}.
 */
public final class CalibrationCheck {

    private static final int CALIBRATIONS = Integer.getInteger("check.calibrations", 5);
    /* -Dcheck.direct=false: only the calibrations (to compare the first calibration of several fresh JVMs). */

    public static void main(String[] args) throws Exception {
        Work.iterationsPerNano();
        List<Map<String, Double>> cals = new ArrayList<>();
        for (int i = 0; i < CALIBRATIONS; i++) {
            Calibration c = Calibrator.measure(Calibrator.TOTAL_BUDGET, Calibrator.probes());
            cals.add(c.asMap());
        }
        System.out.println("# constant: median [min .. max], spread (max - min) / median, over " + CALIBRATIONS
                + " calibrations");
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String k : cals.get(0).keySet()) {
            double[] v = cals.stream().mapToDouble(m -> m.get(k)).sorted().toArray();
            double med = v[v.length / 2];
            medians.put(k, med);
            StringBuilder each = new StringBuilder();
            for (Map<String, Double> m : cals) {
                each.append(String.format(Locale.ROOT, " %.4g", m.get(k)));
            }
            System.out.printf(Locale.ROOT, "%-28s %14.1f [%14.1f .. %14.1f] %5.0f %%  in order:%s%n", k, med, v[0],
                    v[v.length - 1], med == 0 ? 0 : 100 * (v[v.length - 1] - v[0]) / med, each);
        }
        if (!Boolean.parseBoolean(System.getProperty("check.direct", "true"))) {
            return;
        }
        ClassifierGrid.warmUp();
        System.out.println();
        System.out.println("# measured as the grid does (median of " + ClassifierGrid.MAX_REPS
                + " fresh runs after idle), against the calibration's median constants");
        for (Semantics sem : Semantics.values()) {
            for (Backend b : new Backend[] {Backend.GIL_THREADS, Backend.ASYNC}) {
                double start = median(b, sem, new ClassifierGrid.Cell(0, 0, 0, 1));
                double empty = (median(b, sem, new ClassifierGrid.Cell(0, 0, 0, 10_000)) - start) / 10_000;
                // 2,000 waits of 5 ms on 6 threads take 1.7 s: only the async backend runs them in milliseconds
                double waits = b == Backend.ASYNC
                        ? (median(b, sem, new ClassifierGrid.Cell(0, 5, 0, 2000)) - start - 5e-3) / 2000 : Double.NaN;
                double pay = (median(b, sem, new ClassifierGrid.Cell(0, 0, 1 << 20, 100)) - start) / 100;
                System.out.printf(Locale.ROOT, "%-6s %-11s run start %7.0f us | per task: empty %6.2f us, "
                                + "5 ms wait %6.2f us (beyond the wait), 1 MiB input %6.2f us%n", sem, b, start * 1e6,
                        empty * 1e6, waits * 1e6, pay * 1e6);
            }
        }
    }

    private static double median(Backend b, Semantics sem, ClassifierGrid.Cell cell) throws InterruptedException {
        List<Double> runs = new ArrayList<>();
        for (int i = 0; i < ClassifierGrid.MAX_REPS; i++) {
            runs.add(ClassifierGrid.run(b, sem, cell));
        }
        return ClassifierGrid.median(runs);
    }

    private CalibrationCheck() {
    }
}
