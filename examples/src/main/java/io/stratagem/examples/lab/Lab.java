package io.stratagem.examples.lab;

import io.stratagem.Semantics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The placement lab: describe a workload, run it on every backend under both semantics, and see what each costs, the
 * seed document's claims beside this machine's numbers, and what the classifier recommends. Run with no arguments for
 * the default workload; {@code --help} lists the options.
 */
@Command(name = "lab", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {"Runs a workload on every Stratagem backend under Python and JVM semantics, prints the seed's "
                + "'Asyncio vs Threading vs Multiprocessing' table with this machine's numbers, and the classifier's "
                + "recommendation with its measured regret. Progress goes to stderr."},
        footer = {"", "Durations: 500us, 20ms, 1.5s. Sizes: 512, 64KiB, 1MiB. Arrival: all, or a rate like 200/s.",
                "Workload file lines: 'kind NAME tasks=N cpu=D wait=D payload=S' (or in=S out=S), 'arrival all|N/s'."})
public final class Lab implements Callable<Integer> {

    @Option(names = "--tasks", paramLabel = "N", description = "Number of tasks (one kind; default 40 if other "
            + "task options are given).")
    Integer tasks;

    @Option(names = "--cpu", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "CPU time per task, e.g. 20ms.")
    Duration cpu;

    @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Waiting time per task (I/O, a remote call), e.g. 50ms.")
    Duration waitTime;

    @Option(names = "--payload", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Bytes each task takes in and returns, e.g. 64KiB.")
    Long payload;

    @Option(names = "--workload", paramLabel = "FILE", description = "A workload file with several task kinds.")
    Path workloadFile;

    @Option(names = "--arrival", paramLabel = "all|N/s", converter = ArrivalConverter.class,
            description = "All tasks at once (default), or a steady rate such as 200/s.")
    Arrival arrival;

    @Option(names = "--semantics", paramLabel = "python|jvm|both", defaultValue = "both",
            converter = SemanticsConverter.class, description = "Which world to model (default: ${DEFAULT-VALUE}).")
    List<Semantics> semantics;

    @Option(names = "--backends", paramLabel = "LIST", split = ",", converter = BackendConverter.class,
            description = "Comma-separated: gil, async, process, auto (default: all three, plus auto for a workload "
                    + "with several kinds).")
    List<String> backends;

    @Option(names = "--repetitions", paramLabel = "N", defaultValue = "1",
            description = "Measured runs per backend, the median reported (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "0",
            description = "Threads, tasks or workers per backend; 0 for each backend's default.")
    int parallelism;

    @Option(names = "--json", description = "Print one JSON document on stdout instead of the tables.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML report.")
    Path report;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "2m",
            description = "Longest one run may take before it is cancelled (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the lab; exits 0 on success, 1 if a backend failed, 2 on a usage error. Under Maven (the {@code ./lab}
     * script) the system property {@code stratagem.lab.exitCodeFile} names a file that receives the code instead, and
     * the JVM exits 0, so that Maven does not bury the lab's message under its own stack trace; the script exits with
     * the code from the file.
     */
    public static void main(String[] args) throws IOException {
        int code = commandLine().execute(args);
        String exitCodeFile = System.getProperty("stratagem.lab.exitCodeFile");
        if (exitCodeFile != null) {
            Files.writeString(Path.of(exitCodeFile), code + "\n", StandardCharsets.UTF_8);
            code = 0;
        }
        System.exit(code);
    }

    /** The configured command line (for tests). */
    public static CommandLine commandLine() {
        return new CommandLine(new Lab()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        LabSession session = session();
        long t0 = System.nanoTime();
        PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        progress.println("Calibrating the synthetic CPU work...");
        double ipm = CpuBurn.calibrateIterationsPerMilli();
        LabResult result = session.run(new InstalledContenders(), Advisors.installed(), ipm, timeout, progress);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(json ? JsonReport.render(result) + "\n" : ConsoleReport.render(result));
        if (report != null) {
            Files.writeString(report, HtmlReport.render(result), StandardCharsets.UTF_8);
            progress.println("Report written to " + report.toAbsolutePath());
        }
        progress.printf(Locale.ROOT, "Lab finished in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        boolean failed = result.results().stream().anyMatch(r -> r.median().failed() > 0)
                || result.results().size() < session.semantics().size() * session.backends().size();
        return failed ? 1 : 0;
    }

    /** The session the options describe, or a usage error naming the option at fault. */
    LabSession session() {
        boolean inline = tasks != null || cpu != null || waitTime != null || payload != null;
        if (inline && workloadFile != null) {
            throw usage("--workload cannot be combined with --tasks, --cpu, --wait or --payload; put those in the "
                    + "file's 'kind' lines");
        }
        LabWorkload w;
        try {
            if (workloadFile != null) {
                try {
                    w = WorkloadFile.read(workloadFile);
                } catch (IOException e) {
                    throw usage("Invalid value for option '--workload': cannot read " + workloadFile + " (" + e
                            + "); give the path of a workload file");
                }
                if (arrival != null) {
                    w = new LabWorkload(w.kinds(), arrival);
                }
            } else if (inline) {
                long bytes = payload == null ? 0 : payload;
                w = new LabWorkload(List.of(new TaskKind("custom", tasks == null ? 40 : tasks,
                        cpu == null ? Duration.ZERO : cpu, waitTime == null ? Duration.ZERO : waitTime, bytes, bytes)),
                        arrival == null ? Arrival.allAtOnce() : arrival);
            } else {
                LabWorkload d = LabWorkload.defaultWorkload();
                w = arrival == null ? d : new LabWorkload(d.kinds(), arrival);
            }
        } catch (IllegalArgumentException e) {
            throw usage("Invalid value for option '" + optionOf(e.getMessage()) + "': " + e.getMessage());
        }
        List<String> contenders = backends;
        if (contenders == null) {
            contenders = new ArrayList<>(SeedTable.BACKENDS);
            if (w.kinds().size() > 1 && InstalledContenders.autoAvailable()) {
                contenders.add("AUTO");
            }
        }
        if (repetitions < 1 || repetitions > LabSession.MAX_REPETITIONS) {
            throw usage("Invalid value for option '--repetitions': must be between 1 and "
                    + LabSession.MAX_REPETITIONS + ", was " + repetitions);
        }
        if (parallelism < 0 || parallelism > 10_000) {
            throw usage("Invalid value for option '--parallelism': must be between 0 (backend default) and 10000, "
                    + "was " + parallelism);
        }
        if (timeout.isZero()) {
            throw usage("Invalid value for option '--timeout': must be more than 0");
        }
        return new LabSession(w, semantics, List.copyOf(new LinkedHashSet<>(contenders)), repetitions, parallelism);
    }

    /** The option behind a {@link TaskKind} or {@link WorkloadFile} rejection: their messages start with the field. */
    private String optionOf(String message) {
        if (workloadFile != null) {
            return "--workload";
        }
        for (String field : List.of("tasks", "cpu", "wait")) {
            if (message.startsWith(field + " ")) {
                return "--" + field;
            }
        }
        return "--payload"; // "input payload ..." or "output payload ..."
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    // ---- converters: each rejection names the accepted form (picocli prefixes the option's name) ------------------

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Units.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Units.parseSize(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ArrivalConverter implements CommandLine.ITypeConverter<Arrival> {
        @Override
        public Arrival convert(String value) {
            try {
                return Arrival.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class SemanticsConverter implements CommandLine.ITypeConverter<List<Semantics>> {
        @Override
        public List<Semantics> convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "python" -> List.of(Semantics.PYTHON);
                case "jvm" -> List.of(Semantics.JVM);
                case "both" -> List.of(Semantics.PYTHON, Semantics.JVM);
                default -> throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a semantics; use python, jvm or both");
            };
        }
    }

    static final class BackendConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "gil", "threads", "threading", "gil_threads", "gil-threads" -> "GIL_THREADS";
                case "async", "asyncio" -> "ASYNC";
                case "process", "processes", "pool", "process_pool", "process-pool", "multiprocessing" ->
                        "PROCESS_POOL";
                case "auto" -> "AUTO";
                default -> throw new CommandLine.TypeConversionException("'" + value + "' is not a backend; use a "
                        + "comma-separated list of gil, async, process, auto");
            };
        }
    }
}
