package io.stratagem.examples.lab;

import io.stratagem.Semantics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabOptionsTest {

    private static LabSession session(String... args) {
        CommandLine cl = Lab.commandLine();
        cl.parseArgs(args);
        return ((Lab) cl.getCommand()).session();
    }

    /** Runs the command with bad arguments; returns what it printed to stderr. Never runs a workload. */
    private static String rejected(String... args) {
        CommandLine cl = Lab.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        assertEquals(2, cl.execute(args), "exit code of a usage error");
        return err.toString();
    }

    @Test
    void noArguments_runsTheDefaultWorkloadOnEveryBackendUnderBothSemantics() throws IOException {
        LabSession s = session();
        assertEquals(LabWorkload.defaultWorkload().kinds(), s.workload().kinds());
        assertEquals(List.of(Semantics.PYTHON, Semantics.JVM), s.semantics());
        assertTrue(s.backends().containsAll(List.of("GIL_THREADS", "ASYNC", "PROCESS_POOL")), s.backends().toString());
        assertEquals(1, s.repetitions());
    }

    @Test
    void inlineOptions_makeOneKind() throws IOException {
        LabSession s = session("--tasks", "12", "--cpu", "20ms", "--wait", "5ms", "--payload", "64KiB",
                "--arrival", "50/s", "--semantics", "python", "--backends", "gil,process", "--repetitions", "3");
        assertEquals(List.of(new TaskKind("custom", 12, Duration.ofMillis(20), Duration.ofMillis(5), 65536, 65536)),
                s.workload().kinds());
        assertEquals(50.0, s.workload().arrival().ratePerSecond());
        assertEquals(List.of(Semantics.PYTHON), s.semantics());
        assertEquals(List.of("GIL_THREADS", "PROCESS_POOL"), s.backends());
        assertEquals(3, s.repetitions());
    }

    @Test
    void workloadFile_isRead(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("w.lab");
        Files.writeString(f, "kind a tasks=3 cpu=1ms\nkind b tasks=2 wait=1ms\n");
        LabSession s = session("--workload", f.toString(), "--arrival", "10/s", "--backends", "async");
        assertEquals(2, s.workload().kinds().size());
        assertEquals(10.0, s.workload().arrival().ratePerSecond());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", value = {
            "--cpu 20                  => Invalid value for option '--cpu': '20' has no unit; use a number with a unit",
            "--wait 5 ms               => Invalid value for option '--wait': '5' has no unit",
            "--wait forever            => Invalid value for option '--wait': 'forever' is not a duration",
            "--payload 64XB            => Invalid value for option '--payload': '64XB' has an unknown unit 'XB'; use a whole number of bytes",
            "--arrival fast            => Invalid value for option '--arrival': 'fast' is not an arrival; use 'all'",
            "--semantics cpython       => Invalid value for option '--semantics' (python|jvm|both): 'cpython' is not a semantics; use python, jvm or both",
            "--backends gil,greenlet   => Invalid value for option '--backends' (LIST): 'greenlet' is not a backend; use a comma-separated list",
            "--tasks many              => Invalid value for option '--tasks': 'many' is not an int",
            "--tasks 0                 => Invalid value for option '--tasks': tasks must be between 1 and 100000, was 0",
            "--cpu 11s                 => Invalid value for option '--cpu': cpu must be between 0 and 10s",
            "--repetitions 0           => Invalid value for option '--repetitions': must be between 1 and 50",
            "--parallelism -1          => Invalid value for option '--parallelism': must be between 0",
            "--timeout 0               => Invalid value for option '--timeout': must be more than 0",
            "--payload 65MiB           => Invalid value for option '--payload': input payload must be between 0 and 64MiB",
            "--wait 11s                => Invalid value for option '--wait': wait must be between 0 and 10s",
            "--workload no-such.lab    => Invalid value for option '--workload': cannot read no-such.lab",
            "--workload x.lab --tasks 3 => --workload cannot be combined with --tasks"})
    void badValues_areRejected_namingTheOptionAndTheAcceptedForm(String args, String expected) {
        String err = rejected(args.strip().split("\\s+"));
        assertTrue(err.contains(expected.strip()), err);
    }

    @Test
    void badWorkloadFile_isRejected_namingFileAndLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.lab");
        Files.writeString(f, "kind a tasks=3\nkind b tasks=2 cpu=lots\n");
        String err = rejected("--workload", f.toString());
        assertTrue(err.contains("Invalid value for option '--workload': " + f + ":2: cpu: 'lots' is not a duration"),
                err);
    }
}
