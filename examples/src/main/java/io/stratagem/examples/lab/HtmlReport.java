package io.stratagem.examples.lab;

import io.stratagem.Semantics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.stratagem.examples.lab.Svg.esc;

/**
 * The lab's {@code --report} page: self-contained HTML (inline CSS and SVG, no scripts, nothing fetched) with the
 * makespan chart, latency percentiles, the seed's table beside the measurements, the GIL timeline of the Python
 * threads run, and the recommendation with its reasons and measured regret.
 */
public final class HtmlReport {

    /** Width of the zoomed timeline: a few of the GIL's 5 ms switch intervals. */
    static final long ZOOM_NANOS = 40_000_000;

    private HtmlReport() {
    }

    /** The page for {@code r}. */
    public static String render(LabResult r) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
                + "<title>Stratagem placement lab</title><style>\n")
                .append("body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px 32px;color:#222;max-width:1200px}"
                        + "h1{font-size:24px}h2{font-size:19px;margin-top:30px;border-bottom:1px solid #ccc}"
                        + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "text-align:left;vertical-align:top}th{background:#f2f2f2}td.n{text-align:right}"
                        + "svg text{font-size:13px;fill:#222}svg text.tick{font-size:11px;fill:#555}"
                        + "svg text.value{font-size:12px}svg text.axis{font-size:12px;fill:#555}"
                        + ".claim{color:#555;font-style:italic}td.row{white-space:nowrap}.best{font-weight:bold}.muted{color:#666;font-size:13px}"
                        + "</style></head><body>\n");
        LabWorkload w = r.workload();
        sb.append("<h1>Stratagem placement lab</h1>\n<p>").append(w.totalTasks()).append(" tasks, arrival ")
                .append(esc(w.arrival().toString())).append(", on ").append(r.cores()).append(" cores, JDK ")
                .append(esc(r.javaVersion())).append("; median of ").append(r.repetitions()).append(" run")
                .append(r.repetitions() == 1 ? "" : "s").append(".</p>\n");
        workloadTable(sb, w);
        sb.append("<h2>Makespan per backend</h2>\n<p class=\"muted\">From the first submit to the last completion; "
                + "shorter is better.</p>\n");
        List<Svg.Bar> bars = new ArrayList<>();
        List<String> legend = new ArrayList<>();
        for (Semantics s : r.semantics()) {
            legend.add(JsonReport.name(s) + " semantics");
            for (BackendResult b : r.resultsFor(s)) {
                bars.add(new Svg.Bar(JsonReport.name(s) + " · " + b.backend(), b.median().makespanMs(),
                        legend.size() - 1));
            }
        }
        sb.append(Svg.bars(bars, legend, "makespan, ms")).append('\n');
        sb.append("<h2>Latency percentiles</h2>\n<p class=\"muted\">Per task, from submit to completion.</p>\n");
        List<Svg.Bar> lat = new ArrayList<>();
        for (BackendResult b : r.results()) {
            String label = JsonReport.name(b.semantics()) + " · " + b.backend();
            lat.add(new Svg.Bar(label + " p50", b.median().p50Ms(), 0));
            lat.add(new Svg.Bar(label + " p99", b.median().p99Ms(), 1));
        }
        sb.append(Svg.bars(lat, List.of("p50", "p99"), "latency, ms")).append('\n');
        resultsTable(sb, r);
        seedTable(sb, r);
        sb.append("<h2>GIL timeline (python semantics, threads)</h2>\n");
        if (r.timeline().isPresent() && !r.timeline().get().events().isEmpty()) {
            LockTimeline t = r.timeline().get();
            sb.append("<p class=\"muted\">The seed's \"Visual Timeline\" drawn from the emulated lock's real events: "
                    + "one lane per thread; green while it holds the GIL, amber while it waits for it, red while it "
                    + "has been made to drop it and waits for another thread to take it (forced switching), blue "
                    + "while it runs without it (sleeping or in a blocking call).")
                    .append(t.truncated() ? " The lock keeps a bounded ring of events per thread: this is the tail "
                            + "of the run." : "").append("</p>\n").append(Svg.timeline(t)).append('\n');
            long zoom = Math.min(ZOOM_NANOS, t.endNanos() - t.startNanos());
            long step = 10_000_000; // start on a round 10 ms, so the axis ticks are round numbers
            long from = t.startNanos() + Math.floorDiv(t.busiestWindow(zoom) - t.startNanos(), step) * step;
            sb.append("<p class=\"muted\">Zoomed in: the ").append(Units.format(java.time.Duration.ofNanos(zoom)))
                    .append(" where the threads took turns most often; each green bar is one thread's turn with "
                            + "the GIL, the others wait.</p>\n")
                    .append(Svg.timeline(t, t.threads(), from, from + zoom, t.startNanos())).append('\n');
        } else {
            sb.append("<p>No timeline: the GIL threads backend did not run under python semantics.</p>\n");
        }
        recommendations(sb, r);
        if (!r.notes().isEmpty()) {
            sb.append("<h2>Notes</h2>\n<ul>");
            r.notes().forEach(n -> sb.append("<li>").append(esc(n)).append("</li>"));
            sb.append("</ul>\n");
        }
        return sb.append("</body></html>\n").toString();
    }

    private static void workloadTable(StringBuilder sb, LabWorkload w) {
        sb.append("<table><tr><th>kind</th><th>tasks</th><th>CPU each</th><th>wait each</th><th>in</th><th>out</th>"
                + "</tr>");
        for (TaskKind k : w.kinds()) {
            sb.append("<tr><td>").append(esc(k.name())).append("</td><td class=\"n\">").append(k.tasks())
                    .append("</td><td class=\"n\">").append(Units.format(k.cpuTime())).append("</td><td class=\"n\">")
                    .append(Units.format(k.waitTime())).append("</td><td class=\"n\">")
                    .append(Units.formatSize(k.inputBytes())).append("</td><td class=\"n\">")
                    .append(Units.formatSize(k.outputBytes())).append("</td></tr>");
        }
        sb.append("</table>\n");
    }

    private static void resultsTable(StringBuilder sb, LabResult r) {
        sb.append("<h2>Measurements</h2>\n<table><tr><th>semantics</th><th>backend</th><th>makespan ms</th>"
                + "<th>tasks/s</th><th>p50 ms</th><th>p99 ms</th><th>CPU ms</th><th>cores busy</th>"
                + "<th>start-up ms</th><th>failed</th></tr>");
        for (BackendResult b : r.results()) {
            Measurement m = b.median();
            boolean best = r.best(b.semantics()).map(x -> x == b).orElse(false);
            sb.append("<tr").append(best ? " class=\"best\"" : "").append("><td>")
                    .append(JsonReport.name(b.semantics())).append("</td><td>").append(b.backend())
                    .append(String.format(Locale.ROOT, "</td><td class=\"n\">%.0f</td><td class=\"n\">%.1f</td>"
                                    + "<td class=\"n\">%.1f</td><td class=\"n\">%.1f</td><td class=\"n\">%.0f</td>"
                                    + "<td class=\"n\">%.2f</td><td class=\"n\">%.0f</td><td class=\"n\">%d</td></tr>",
                            m.makespanMs(), m.throughputPerSec(), m.p50Ms(), m.p99Ms(), m.cpuMs(), m.coresBusy(),
                            b.startupMs(), m.failed()));
        }
        sb.append("</table>\n<p class=\"muted\">Bold: the fastest backend under its semantics. CPU counts this JVM "
                + "and its worker processes, as the OS reports it.</p>\n");
    }

    private static void seedTable(StringBuilder sb, LabResult r) {
        sb.append("<h2>Asyncio vs Threading vs Multiprocessing: the seed's claims, measured</h2>\n<table><tr>"
                + "<th>feature</th><th></th>");
        for (int c = 0; c < 3; c++) {
            sb.append("<th>").append(SeedTable.COLUMNS.get(c)).append(" (").append(SeedTable.BACKENDS.get(c))
                    .append(")</th>");
        }
        sb.append("</tr>");
        for (SeedTable.Row row : SeedTable.rows()) {
            int span = 1 + r.semantics().size();
            sb.append("<tr><td rowspan=\"").append(span).append("\">").append(esc(row.feature()))
                    .append("</td><td class=\"row\">seed claims</td>");
            row.claims().forEach(c -> sb.append("<td class=\"claim\">").append(esc(c)).append("</td>"));
            sb.append("</tr>");
            for (Semantics s : r.semantics()) {
                sb.append("<tr><td class=\"row\">").append(JsonReport.name(s)).append(" measured</td>");
                for (int c = 0; c < 3; c++) {
                    sb.append("<td>").append(esc(String.join("; ", SeedTable.measured(r, row, c, s)))).append("</td>");
                }
                sb.append("</tr>");
            }
        }
        sb.append("</table>\n<p class=\"muted\">*: the fastest of the three backends for that kind of task, by "
                + "median latency.</p>\n");
    }

    private static void recommendations(StringBuilder sb, LabResult r) {
        sb.append("<h2>Recommendation</h2>\n");
        if (r.advice().isEmpty()) {
            sb.append("<p>The classifier is not available in this build.</p>\n");
        }
        for (Advice a : r.advice()) {
            sb.append("<h3>").append(JsonReport.name(a.semantics())).append(" semantics: ").append(a.backend())
                    .append(String.format(Locale.ROOT, " <span class=\"muted\">(confidence %.2f)</span></h3>\n",
                            a.confidence()));
            sb.append("<p class=\"muted\">").append(esc(a.method())).append("</p><ul>");
            a.reasons().forEach(x -> sb.append("<li>").append(esc(x)).append("</li>"));
            sb.append("</ul>\n<table><tr><th>backend</th><th>predicted makespan ms</th><th>measured makespan ms</th>"
                    + "</tr>");
            for (Map.Entry<String, Double> e : a.predictedMakespanMs().entrySet().stream()
                    .sorted(Map.Entry.comparingByValue()).toList()) {
                String measured = r.result(e.getKey(), a.semantics())
                        .map(b -> String.format(Locale.ROOT, "%.0f", b.median().makespanMs())).orElse("not run");
                sb.append("<tr").append(e.getKey().equals(a.backend()) ? " class=\"best\"" : "").append("><td>")
                        .append(esc(e.getKey())).append(String.format(Locale.ROOT, "</td><td class=\"n\">%.0f</td>",
                                e.getValue())).append("<td class=\"n\">").append(measured).append("</td></tr>");
            }
            sb.append("</table>\n");
            if (!a.perKind().isEmpty()) {
                sb.append("<p>Each kind on its own:</p><ul>");
                a.perKind().forEach(k -> sb.append("<li>").append(esc(k.kind())).append(": ").append(esc(k.backend()))
                        .append(" <span class=\"muted\">(").append(esc(k.reason())).append(")</span></li>"));
                sb.append("</ul>\n");
            }
            var best = r.best(a.semantics());
            var regret = r.regret(a);
            sb.append("<p><b>Measured:</b> ");
            if (best.isPresent() && regret.isPresent()) {
                sb.append(best.get().backend().equals(a.backend()) ? "the recommendation was the fastest backend; "
                        + "regret 0 %." : String.format(Locale.ROOT, "the fastest was %s; following the "
                        + "recommendation cost %.0f %% more time (regret).", esc(best.get().backend()),
                        regret.get() * 100));
            } else {
                sb.append("regret not measurable (the recommended backend was not run).");
            }
            sb.append("</p>\n");
            r.result("AUTO", a.semantics()).ifPresent(auto -> {
                sb.append(String.format(Locale.ROOT, "<p><b>AUTO</b> (each task placed by the classifier, all "
                        + "backends at once): %.0f ms", auto.median().makespanMs()));
                best.ifPresent(b -> sb.append(String.format(Locale.ROOT, ", %.2f&#215; the fastest single backend",
                        auto.median().makespanMs() / b.median().makespanMs())));
                sb.append(".</p>\n");
            });
        }
    }
}
