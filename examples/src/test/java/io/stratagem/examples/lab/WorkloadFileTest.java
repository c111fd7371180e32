package io.stratagem.examples.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadFileTest {

    @Test
    void parse_readsKindsArrivalAndComments() {
        LabWorkload w = WorkloadFile.parse("svc.lab", List.of(
                "# a service",
                "arrival 200/s   # steady",
                "",
                "kind wait-call tasks=48 cpu=500us wait=50ms payload=1KiB",
                "kind heavy tasks=8 cpu=80ms in=64KiB out=1KiB"));
        assertEquals(200.0, w.arrival().ratePerSecond());
        assertEquals(2, w.kinds().size());
        assertEquals(new TaskKind("wait-call", 48, Duration.ofNanos(500_000), Duration.ofMillis(50), 1024, 1024),
                w.kinds().get(0));
        assertEquals(new TaskKind("heavy", 8, Duration.ofMillis(80), Duration.ZERO, 65536, 1024), w.kinds().get(1));
        assertEquals(56, w.totalTasks());
    }

    @Test
    void shippedServiceWorkload_parses() throws java.io.IOException {
        LabWorkload w = WorkloadFile.read(java.nio.file.Path.of("src/main/resources/lab/service.lab"));
        assertEquals(List.of("api-call", "thumbnail", "report"), w.kinds().stream().map(TaskKind::name).toList());
        assertEquals(200.0, w.arrival().ratePerSecond());
        assertEquals(256 * 1024, w.kinds().get(1).inputBytes());
    }

    @Test
    void parse_defaultsToAllAtOnce() {
        LabWorkload w = WorkloadFile.parse("f", List.of("kind a tasks=1"));
        assertTrue(w.arrival().isAllAtOnce());
        assertEquals(Duration.ZERO, w.kinds().get(0).cpuTime());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "kind a cpu=1ms                         | f:1: kind 'a' needs tasks=N",
            "kind a tasks=x                         | f:1: tasks='x' is not a whole number",
            "kind a tasks=0                         | f:1: tasks must be between 1 and",
            "kind a tasks=2 cpu=20                  | f:1: cpu: '20' has no unit",
            "kind a tasks=2 wait=soon               | f:1: wait: 'soon' is not a duration",
            "kind a tasks=2 payload=9XB             | f:1: payload: '9XB' has an unknown unit",
            "kind a tasks=2 payload=1KiB in=2KiB    | f:1: give either payload= or in=/out=",
            "kind a tasks=2 colour=red              | f:1: unknown field 'colour'",
            "kind a tasks=2 tasks=3                 | f:1: field 'tasks' is given twice",
            "kind tasks=2                           | f:1: a kind needs a name",
            "kind A! tasks=2                        | f:1: kind name must be",
            "kind a tasks=2 cpu=11s                 | f:1: cpu must be between 0 and 10s",
            "arrival soon                           | f:1: 'soon' is not an arrival; use 'all'",
            "arrival 0/s                            | f:1: '0/s' is out of range",
            "task a tasks=2                         | f:1: unknown line start 'task'",
            "# only a comment                       | f: no 'kind' line"})
    void parse_rejectsMistakes_namingLineAndFix(String line, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkloadFile.parse("f", List.of(line.strip())));
        assertTrue(e.getMessage().startsWith(expected.strip()), e.getMessage());
    }

    @Test
    void parse_rejectsDuplicateKindNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkloadFile.parse("f", List.of("kind a tasks=1", "kind a tasks=2")));
        assertTrue(e.getMessage().contains("distinct"), e.getMessage());
    }

    @Test
    void parse_reportsTheLineNumberOfTheMistake() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkloadFile.parse("w.lab", List.of("# c", "kind a tasks=1", "kind b tasks=1 cpu=fast")));
        assertTrue(e.getMessage().startsWith("w.lab:3: cpu:"), e.getMessage());
    }

    @Test
    void aggregateProfile_keepsTheWorkloadsTotals() {
        LabWorkload w = LabWorkload.defaultWorkload();
        var p = w.aggregateProfile();
        assertEquals(w.totalCpu().toNanos(), p.cpuTime().toNanos() * w.totalTasks(), w.totalTasks());
        assertTrue(p.waitTime().toMillis() > 20 && p.waitTime().toMillis() < 40, p.toString());
    }

    @Test
    void submissionOrder_isTheSameEveryTimeAndHoldsEveryTask() {
        LabWorkload w = LabWorkload.defaultWorkload();
        assertEquals(w.submissionOrder(), w.submissionOrder());
        assertEquals(w.totalTasks(), w.submissionOrder().size());
        assertEquals(8, w.submissionOrder().stream().filter(k -> k.name().equals("heavy-cpu")).count());
    }
}
