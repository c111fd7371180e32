package io.stratagem.examples.lab;

import io.stratagem.Semantics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The seed document's "Asyncio vs Threading vs Multiprocessing" table, row by row, each claim paired with what this
 * machine measured for the matching backend under each semantics. Shared by the console and HTML reports.
 */
public final class SeedTable {

    /** The seed's three columns, and the backend that plays each. */
    public static final List<String> COLUMNS = List.of("Asyncio", "Threading", "Multiprocessing");
    private static final String BEST_FOR = "Best For";

    /** The backend names, in column order. */
    public static final List<String> BACKENDS = List.of("ASYNC", "GIL_THREADS", "PROCESS_POOL");

    /**
     * One row: the seed's feature, its three claims, and how to state a measurement for it.
     *
     * @param feature  the seed's row label
     * @param claims   the seed's three cells (emoji dropped, shortened to fit a column)
     * @param measured what was measured, for one result; one or more lines
     */
    public record Row(String feature, List<String> claims, Function<BackendResult, List<String>> measured) {
    }

    private SeedTable() {
    }

    /** The rows, in the seed's order (the analogy row has nothing to measure and is left out). */
    public static List<Row> rows() {
        return List.of(
                new Row("GIL Limitation", List.of("No blocking (1 thread)",
                        "GIL applies (one at a time)", "No GIL (separate processes)"),
                        r -> List.of(fmt("%.2f cores busy", r.median().coresBusy()))),
                new Row("Concurrency Type", List.of("Single-threaded, async/await",
                        "OS threads, serialized by GIL", "Real processes, parallel"),
                        r -> List.of(r.median().osThreads() + " OS thread" + plural(r.median().osThreads()) + ", "
                                + r.median().processes() + " process" + (r.median().processes() == 1 ? "" : "es"))),
                new Row(BEST_FOR, List.of("I/O-bound (network, DB, APIs)", "Light CPU work, disk I/O",
                        "CPU-bound (image, ML, crypto)"), SeedTable::kindLatencies),
                new Row("Memory", List.of("Shared memory", "Shared memory", "Isolated (pipes/queues)"),
                        r -> List.of(r.sharesMemory() ? "shared (same object back)" : "isolated (a copy back)")),
                new Row("Parallelism", List.of("No", "No", "Yes"),
                        r -> List.of("peak " + r.median().peakRunning() + " tasks in flight")),
                new Row("Speed (I/O vs CPU)", List.of("Very fast for I/O", "Okay for I/O, bad for CPU",
                        "Great for CPU-heavy tasks"),
                        r -> List.of(fmt("makespan %.0f ms", r.median().makespanMs()),
                                fmt("%.1f tasks/s", r.median().throughputPerSec()))));
    }

    /** Marks, in the "Best For" row, the backend with the lowest median latency for a task kind. */
    public static final String FASTEST_MARK = " *";

    /**
     * The measured lines of {@code row} for the backend of column {@code column} under {@code s}; in the "Best For"
     * row a kind's line ends with {@link #FASTEST_MARK} where this backend served that kind fastest of the three.
     */
    public static List<String> measured(LabResult result, Row row, int column, Semantics s) {
        Optional<BackendResult> r = result.result(BACKENDS.get(column), s);
        if (r.isEmpty()) {
            return List.of("not run");
        }
        if (!row.feature().equals(BEST_FOR)) {
            return row.measured().apply(r.get());
        }
        List<String> lines = new ArrayList<>();
        for (Measurement.KindLatency k : r.get().median().kinds()) {
            boolean fastest = BACKENDS.stream().map(b -> result.result(b, s)).flatMap(Optional::stream)
                    .flatMap(x -> x.median().kinds().stream()).filter(x -> x.kind().equals(k.kind()))
                    .allMatch(x -> x.p50Ms() >= k.p50Ms());
            lines.add(fmt("%s p50 %.0f ms", k.kind(), k.p50Ms()) + (fastest ? FASTEST_MARK : ""));
        }
        return lines;
    }

    private static List<String> kindLatencies(BackendResult r) {
        List<String> lines = new ArrayList<>();
        for (Measurement.KindLatency k : r.median().kinds()) {
            lines.add(fmt("%s p50 %.0f ms", k.kind(), k.p50Ms()));
        }
        return lines;
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
