package io.stratagem.examples.lab;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.stratagem.Semantics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON, HTML and console reports of one real lab run on in-test strategies. */
class ReportsTest {

    private static LabResult result;

    @BeforeAll
    static void runTheLab() throws InterruptedException {
        result = TestLab.run();
    }

    @Test
    void json_parsesAndHasTheDocumentedFields() {
        JsonObject doc = JsonParser.parseString(JsonReport.render(result)).getAsJsonObject();
        assertEquals(JsonReport.SCHEMA, doc.get("schema").getAsString());
        JsonObject workload = doc.getAsJsonObject("workload");
        assertEquals(9, workload.get("tasks").getAsInt());
        assertEquals("all", workload.get("arrival").getAsString());
        assertEquals(2, workload.getAsJsonArray("kinds").size());
        assertEquals(List.of("python", "jvm"), strings(doc.getAsJsonArray("semantics")));

        JsonArray results = doc.getAsJsonArray("results");
        assertEquals(6, results.size());
        Set<String> seen = new HashSet<>();
        for (JsonElement e : results) {
            JsonObject r = e.getAsJsonObject();
            seen.add(r.get("backend").getAsString() + "/" + r.get("semantics").getAsString());
            for (String f : List.of("makespanMs", "throughputPerSec", "p50Ms", "p99Ms", "cpuMs")) {
                assertTrue(r.get(f).getAsDouble() >= 0, f + " in " + r);
            }
            assertTrue(r.get("p99Ms").getAsDouble() >= r.get("p50Ms").getAsDouble());
            assertEquals(0, r.get("failed").getAsInt());
            assertEquals(2, r.getAsJsonArray("makespanMsPerRepetition").size());
            assertTrue(r.get("sharedMemory").getAsBoolean());
        }
        assertEquals(Set.of("ASYNC/python", "GIL_THREADS/python", "PROCESS_POOL/python", "ASYNC/jvm",
                "GIL_THREADS/jvm", "PROCESS_POOL/jvm"), seen);

        JsonObject rec = doc.getAsJsonObject("recommendation");
        assertEquals("ASYNC", rec.get("backend").getAsString());
        assertEquals("jvm", rec.get("semantics").getAsString(), "the JVM advice is the primary one");
        assertEquals(55.5, rec.getAsJsonObject("predictedMakespanMs").get("GIL_THREADS").getAsDouble());
        assertEquals("mostly waiting: \"<io>\" & more", rec.getAsJsonArray("reasons").get(0).getAsString(),
                "quotes survive escaping");
        assertTrue(rec.get("regret").getAsDouble() >= 0);
        assertFalse(rec.get("measuredBest").isJsonNull());
        assertEquals(2, doc.getAsJsonArray("recommendations").size());
    }

    @Test
    void json_regretIsZeroExactlyWhenTheRecommendationWasFastest() {
        for (Advice a : result.advice()) {
            String best = result.best(a.semantics()).orElseThrow().backend();
            double regret = result.regret(a).orElseThrow();
            assertEquals(best.equals(a.backend()), regret == 0.0, best + " vs " + a.backend() + ": " + regret);
        }
    }

    @Test
    void html_isWellFormedAndHoldsTheChartsTheTimelineAndTheRecommendation() throws Exception {
        String html = HtmlReport.render(result);
        assertFalse(html.contains("http://") && html.contains("<script"), "self-contained");
        assertFalse(html.contains("<link"), "no external stylesheet");
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8))); // throws if malformed
        NodeList svgs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
        assertEquals(4, svgs.getLength(), "makespan chart, latency chart, timeline, zoomed timeline");
        Element makespan = (Element) svgs.item(0);
        assertEquals("chart", makespan.getAttribute("class"));
        assertEquals(6 + 2, makespan.getElementsByTagNameNS("*", "rect").getLength(), "6 bars and 2 legend keys");
        assertTrue(makespan.getTextContent().contains("python · PROCESS_POOL"));
        assertTrue(makespan.getTextContent().contains("makespan, ms"));
        Element latency = (Element) svgs.item(1);
        assertEquals(12 + 2, latency.getElementsByTagNameNS("*", "rect").getLength(), "p50 and p99 per result");
        Element timeline = (Element) svgs.item(2);
        assertEquals("timeline", timeline.getAttribute("class"));
        assertEquals(4 + 3, timeline.getElementsByTagNameNS("*", "rect").getLength(), "4 events, 3 legend keys");
        assertTrue(timeline.getTextContent().contains("worker-1"));
        assertTrue(timeline.getTextContent().contains("worker-2"));
        Element zoom = (Element) svgs.item(3);
        assertEquals("timeline", zoom.getAttribute("class"));
        assertTrue(zoom.getTextContent().contains("ms since the start of the run"));
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("mostly waiting: \"<io>\" & more"), "reasons, escaped and readable");
        assertTrue(text.contains("Asyncio vs Threading vs Multiprocessing"));
        assertTrue(text.contains("GIL applies (one at a time)"));
    }

    @Test
    void console_showsEveryBackendUnderBothSemanticsAndTheRecommendation() {
        String text = ConsoleReport.render(result);
        for (Semantics s : List.of(Semantics.PYTHON, Semantics.JVM)) {
            for (String b : SeedTable.BACKENDS) {
                assertTrue(text.lines().anyMatch(l -> l.startsWith(JsonReport.name(s)) && l.contains(b)),
                        s + " " + b + " in\n" + text);
            }
            assertTrue(text.contains("Recommendation (" + JsonReport.name(s) + " semantics): ASYNC"), text);
        }
        assertTrue(text.contains("regret"), text);
        assertTrue(text.contains("worker-1 |####"), "the GIL strip");
        assertTrue(text.contains("shared (same object back)"), text);
    }

    @Test
    void seedTable_marksTheFastestBackendForEachKind() {
        SeedTable.Row bestFor = SeedTable.rows().stream().filter(r -> r.feature().equals("Best For")).findFirst()
                .orElseThrow();
        for (Semantics s : result.semantics()) {
            for (String kind : List.of("io", "cpu")) {
                double fastest = Double.MAX_VALUE;
                int fastestColumn = -1;
                int marked = 0;
                for (int c = 0; c < 3; c++) {
                    double p50 = result.result(SeedTable.BACKENDS.get(c), s).orElseThrow().median().kinds().stream()
                            .filter(k -> k.kind().equals(kind)).findFirst().orElseThrow().p50Ms();
                    if (p50 < fastest) {
                        fastest = p50;
                        fastestColumn = c;
                    }
                    marked += SeedTable.measured(result, bestFor, c, s).stream()
                            .filter(l -> l.startsWith(kind + " ") && l.endsWith(SeedTable.FASTEST_MARK)).count();
                }
                int col = fastestColumn;
                assertTrue(SeedTable.measured(result, bestFor, col, s).stream()
                        .anyMatch(l -> l.startsWith(kind + " ") && l.endsWith(SeedTable.FASTEST_MARK)), kind);
                assertTrue(marked >= 1 && marked <= 3, "marked " + marked);
            }
        }
    }

    private static List<String> strings(JsonArray a) {
        return a.asList().stream().map(JsonElement::getAsString).toList();
    }
}
