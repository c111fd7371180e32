package io.stratagem.examples.lab;

import io.stratagem.Semantics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lab's {@code --json} document. The field names are a stable interface (documented in the README): add fields,
 * never rename or remove them. Times are milliseconds, sizes bytes, semantics lower case.
 */
public final class JsonReport {

    /** Names this document's shape; bumped only if a field ever has to change meaning. */
    public static final String SCHEMA = "stratagem-lab/1";

    private JsonReport() {
    }

    /** The document for {@code r}. */
    public static String render(LabResult r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        doc.put("machine", map("cores", r.cores(), "java", r.javaVersion(),
                "cpuIterationsPerMs", Math.round(r.iterationsPerMilli())));
        doc.put("workload", workload(r));
        doc.put("semantics", r.semantics().stream().map(JsonReport::name).toList());
        List<Object> results = new ArrayList<>();
        for (BackendResult b : r.results()) {
            results.add(result(b));
        }
        doc.put("results", results);
        List<Object> advice = new ArrayList<>();
        for (Advice a : r.advice()) {
            advice.add(advice(r, a));
        }
        Object primary = null;
        for (int i = 0; i < r.advice().size(); i++) {
            if (primary == null || r.advice().get(i).semantics() == Semantics.JVM) {
                primary = advice.get(i);
            }
        }
        doc.put("recommendation", primary);
        doc.put("recommendations", advice);
        doc.put("notes", r.notes());
        return Json.write(doc);
    }

    private static Map<String, Object> workload(LabResult r) {
        LabWorkload w = r.workload();
        List<Object> kinds = new ArrayList<>();
        for (TaskKind k : w.kinds()) {
            kinds.add(map("name", k.name(), "tasks", k.tasks(), "cpuMs", Units.millis(k.cpuTime()),
                    "waitMs", Units.millis(k.waitTime()), "inputBytes", k.inputBytes(),
                    "outputBytes", k.outputBytes()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", w.totalTasks());
        m.put("arrival", w.arrival().isAllAtOnce() ? "all" : "rate");
        m.put("ratePerSecond", w.arrival().isAllAtOnce() ? null : w.arrival().ratePerSecond());
        m.put("repetitions", r.repetitions());
        m.put("kinds", kinds);
        return m;
    }

    private static Map<String, Object> result(BackendResult b) {
        Measurement m = b.median();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("backend", b.backend());
        o.put("semantics", name(b.semantics()));
        o.put("makespanMs", m.makespanMs());
        o.put("throughputPerSec", m.throughputPerSec());
        o.put("p50Ms", m.p50Ms());
        o.put("p99Ms", m.p99Ms());
        o.put("cpuMs", m.cpuMs());
        o.put("taskCpuMs", m.taskCpuMs() < 0 ? null : m.taskCpuMs());
        o.put("coresBusy", Math.round(m.coresBusy() * 100) / 100.0);
        o.put("startupMs", b.startupMs());
        o.put("tasks", m.tasks());
        o.put("failed", m.failed());
        o.put("firstFailure", m.firstFailure().isEmpty() ? null : m.firstFailure());
        o.put("peakRunning", m.peakRunning());
        o.put("osThreads", m.osThreads());
        o.put("processes", m.processes());
        o.put("sharedMemory", b.sharesMemory());
        List<Object> kinds = new ArrayList<>();
        for (Measurement.KindLatency k : m.kinds()) {
            kinds.add(map("name", k.kind(), "p50Ms", k.p50Ms(), "p99Ms", k.p99Ms()));
        }
        o.put("kinds", kinds);
        o.put("makespanMsPerRepetition", b.repetitions().stream().map(Measurement::makespanMs).toList());
        return o;
    }

    private static Map<String, Object> advice(LabResult r, Advice a) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("semantics", name(a.semantics()));
        o.put("backend", a.backend());
        o.put("predictedMakespanMs", new TreeMap<>(a.predictedMakespanMs()));
        o.put("reasons", a.reasons());
        o.put("confidence", a.confidence());
        o.put("method", a.method());
        List<Object> kinds = new ArrayList<>();
        for (Advice.KindAdvice k : a.perKind()) {
            kinds.add(map("name", k.kind(), "backend", k.backend(), "reason", k.reason()));
        }
        o.put("perKind", kinds);
        var best = r.best(a.semantics());
        o.put("measuredBest", best.map(BackendResult::backend).orElse(null));
        o.put("measuredBestMakespanMs", best.map(b -> b.median().makespanMs()).orElse(null));
        o.put("recommendedMakespanMs", r.result(a.backend(), a.semantics()).map(b -> b.median().makespanMs())
                .orElse(null));
        o.put("regret", r.regret(a).map(x -> Math.round(x * 1000) / 1000.0).orElse(null));
        o.put("autoMakespanMs", r.result("AUTO", a.semantics()).map(b -> b.median().makespanMs()).orElse(null));
        return o;
    }

    static String name(Semantics s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
