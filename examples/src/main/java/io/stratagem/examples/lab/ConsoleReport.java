package io.stratagem.examples.lab;

import io.stratagem.Semantics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The lab's human-readable output: the measurements, the seed's table beside them, and the recommendation. */
public final class ConsoleReport {

    private static final int LABEL = 20;
    private static final int CELL = 32;

    private ConsoleReport() {
    }

    /** The whole report as text. */
    public static String render(LabResult r) {
        StringBuilder sb = new StringBuilder();
        LabWorkload w = r.workload();
        sb.append("Stratagem placement lab: ").append(w.totalTasks()).append(" tasks (")
                .append(w.kinds().stream().map(k -> k.tasks() + " " + k.name() + " [cpu " + Units.format(k.cpuTime())
                        + ", wait " + Units.format(k.waitTime()) + ", " + Units.formatSize(k.inputBytes()) + "]")
                        .collect(Collectors.joining(", ")))
                .append("), arrival ").append(w.arrival()).append(", ").append(r.cores()).append(" cores, JDK ")
                .append(r.javaVersion()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%-8s %-14s %10s %9s %9s %9s %9s %6s %9s%n", "sem.", "backend",
                "makespan", "tasks/s", "p50", "p99", "CPU", "cores", "startup"));
        for (BackendResult b : r.results()) {
            Measurement m = b.median();
            sb.append(String.format(Locale.ROOT, "%-8s %-14s %7.0f ms %9.1f %6.1f ms %6.1f ms %6.0f ms %6.2f %6.0f ms",
                    JsonReport.name(b.semantics()), b.backend(), m.makespanMs(), m.throughputPerSec(), m.p50Ms(),
                    m.p99Ms(), m.cpuMs(), m.coresBusy(), b.startupMs()));
            if (m.failed() > 0) {
                sb.append("  ").append(m.failed()).append(" FAILED: ").append(m.firstFailure());
            }
            sb.append('\n');
        }
        sb.append("(median of ").append(r.repetitions()).append(" run").append(r.repetitions() == 1 ? "" : "s")
                .append("; latency = submit to completion; CPU = this JVM and its worker processes, as the OS counts"
                        + " it)\n\n");
        seedTable(sb, r);
        r.timeline().ifPresent(t -> {
            if (!t.ascii().isBlank()) {
                sb.append("\nGIL timeline of the python threads run (the seed's Visual Timeline, measured):\n")
                        .append(t.ascii().stripTrailing()).append('\n');
            }
        });
        for (Advice a : r.advice()) {
            recommendation(sb, r, a);
        }
        if (r.advice().isEmpty()) {
            sb.append("\nNo recommendation: the classifier is not available in this build.\n");
        }
        for (String note : r.notes()) {
            sb.append("note: ").append(note).append('\n');
        }
        return sb.toString();
    }

    private static void seedTable(StringBuilder sb, LabResult r) {
        seedRows(sb, r);
        sb.append("(*: the fastest of the three for that kind of task, by median latency)\n");
    }

    private static void seedRows(StringBuilder sb, LabResult r) {
        sb.append("Asyncio vs Threading vs Multiprocessing: the seed's claims, and what this machine measured\n");
        sb.append(pad("", LABEL));
        for (int c = 0; c < 3; c++) {
            sb.append(pad(SeedTable.COLUMNS.get(c) + " (" + SeedTable.BACKENDS.get(c) + ")", CELL));
        }
        sb.append('\n').append("-".repeat(LABEL + 3 * CELL)).append('\n');
        for (SeedTable.Row row : SeedTable.rows()) {
            sb.append(pad(row.feature(), LABEL));
            sb.append('\n').append(pad("  seed claims", LABEL));
            for (String claim : row.claims()) {
                sb.append(pad(claim, CELL));
            }
            sb.append('\n');
            for (Semantics s : r.semantics()) {
                List<List<String>> cells = List.of(SeedTable.measured(r, row, 0, s),
                        SeedTable.measured(r, row, 1, s), SeedTable.measured(r, row, 2, s));
                int lines = cells.stream().mapToInt(List::size).max().orElse(0);
                for (int i = 0; i < lines; i++) {
                    sb.append(pad(i == 0 ? "  " + JsonReport.name(s) + " measured" : "", LABEL));
                    for (List<String> cell : cells) {
                        sb.append(pad(i < cell.size() ? cell.get(i) : "", CELL));
                    }
                    sb.append('\n');
                }
            }
        }
    }

    private static void recommendation(StringBuilder sb, LabResult r, Advice a) {
        sb.append("\nRecommendation (").append(JsonReport.name(a.semantics())).append(" semantics): ")
                .append(a.backend()).append(String.format(Locale.ROOT, "  (confidence %.2f)%n", a.confidence()));
        sb.append("  how: ").append(a.method()).append('\n');
        sb.append("  predicted makespan: ").append(a.predictedMakespanMs().entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .map(e -> String.format(Locale.ROOT, "%s %.0f ms", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "))).append('\n');
        for (String reason : a.reasons()) {
            sb.append("  - ").append(reason).append('\n');
        }
        for (Advice.KindAdvice k : a.perKind()) {
            sb.append("  kind ").append(k.kind()).append(" alone: ").append(k.backend()).append(" (")
                    .append(k.reason()).append(")\n");
        }
        var best = r.best(a.semantics());
        var regret = r.regret(a);
        if (best.isPresent() && regret.isPresent()) {
            double chosen = r.result(a.backend(), a.semantics()).orElseThrow().median().makespanMs();
            if (best.get().backend().equals(a.backend())) {
                sb.append(String.format(Locale.ROOT, "  measured: the recommendation WAS the fastest backend "
                        + "(%.0f ms); regret 0%%%n", chosen));
            } else {
                sb.append(String.format(Locale.ROOT, "  measured: fastest was %s (%.0f ms); %s took %.0f ms: "
                                + "regret %.0f%%%n", best.get().backend(), best.get().median().makespanMs(),
                        a.backend(), chosen, regret.get() * 100));
            }
        } else {
            sb.append("  measured regret: n/a (the recommended backend was not run)\n");
        }
        r.result("AUTO", a.semantics()).ifPresent(auto -> {
            sb.append(String.format(Locale.ROOT, "  AUTO (each task placed by the classifier, all backends at once): "
                    + "%.0f ms", auto.median().makespanMs()));
            best.ifPresent(b -> sb.append(String.format(Locale.ROOT, ", %.2fx the fastest single backend",
                    auto.median().makespanMs() / b.median().makespanMs())));
            sb.append('\n');
        });
    }

    private static String pad(String s, int width) {
        if (s.length() >= width - 1) {
            return s.substring(0, width - 2) + "… ";
        }
        return s + " ".repeat(width - s.length());
    }
}
