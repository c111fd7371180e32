package io.stratagem.benchmarks.process;

import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskFunction;
import io.stratagem.TaskHandle;
import io.stratagem.WorkerCrashedException;
import io.stratagem.process.ProcessPoolStrategy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The process pool side by side with CPython's {@code ProcessPoolExecutor} ({@code peers/cpython/procpool.py}) in one
 * run, 2 workers each: time to first result, tiny tasks through submit and map, one round trip against a raw pipe echo
 * between two JVMs (the floor), CPU-bound speedup against 2 plain threads (the limit), and a crash.
 *
 * <pre>
 * java -cp BENCH_CP io.stratagem.benchmarks.process.ProcessPoolBenchmark [--peers DIR] [--tiny 20000] [--skip-python]
 * </pre>
 * {@code --first-only RUNS} measures only the time to first result, {@code RUNS} fresh pools, each followed by a fresh
 * CPython spawn pool (unless {@code --skip-python}), so both sides see the same machine; {@code --hot-only RUNS} only
 * the hot path (tiny tasks through submit, one round trip, and the pipe-echo floor), {@code RUNS} times, for tuning it.
 */
public final class ProcessPoolBenchmark {
    private ProcessPoolBenchmark() {
    }

    private static final int WORKERS = 2;
    private static final int MAP_WARM_UP = 20;
    /**
     * Untimed rounds of 20k submits before the timed ones: one round (the run's first, reported as the cold number)
     * leaves the JIT unfinished on both sides; later rounds in the same JVM run about twice as fast.
     */
    private static final int SUBMIT_WARM_UP = 10;
    /**
     * Untimed round trips before the warm round-trip row, the one compared with the floor (which is itself measured
     * after its own warm-up, in two fresh JVMs). The other row is measured right after the maps: the join path
     * ({@code WorkerHandle.help}) has just become hot, while C2 still recompiles what the maps deoptimized, and on
     * 2 CPUs the compiler takes a CPU from the two threads polling the pipe.
     */
    private static final int STEADY_WARM_UP = 100_000;

    public static void main(String[] args) throws Exception {
        String peers = System.getProperty("stratagem.peers", "../shared/peers/cpython");
        int tiny = 20_000;
        boolean python = true;
        int firstOnly = 0;
        int hotOnly = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--peers" -> peers = args[++i];
                case "--tiny" -> tiny = Integer.parseInt(args[++i]);
                case "--skip-python" -> python = false;
                case "--first-only" -> firstOnly = Integer.parseInt(args[++i]);
                case "--hot-only" -> hotOnly = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--peers DIR] [--tiny N] [--skip-python] [--first-only RUNS] [--hot-only RUNS]");
            }
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        if (firstOnly > 0) {
            firstResultOnly(firstOnly, python ? peers : null);
            return;
        }
        if (hotOnly > 0) {
            hotPathOnly(hotOnly, tiny, javaBin, cp);
            return;
        }
        List<String> pyCmd = List.of("python3", peers + "/procpool.py", "--workers", "" + WORKERS, "--tiny", "" + tiny,
                "--cpu-tasks", "8", "--cpu-work", "0.5", "--start-method", "spawn");
        String py = python ? runPython(pyCmd) : "{}";

        // ---- Java ----
        // This JVM's first pool also loads and initializes the pool's own classes, as CPython's script imports its
        // modules before its timer starts: it is reported apart; the row is the median of 5 fresh pools after it.
        double coldFirst = firstResult();
        double[] firsts = new double[5];
        for (int r = 0; r < firsts.length; r++) {
            firsts[r] = firstResult();
        }
        Arrays.sort(firsts);
        double first = firsts[2];

        double submitUs;
        double submitColdUs;
        double mapAutoUs;
        double mapColdUs;
        double map500Us;
        RoundTrip rt;
        RoundTrip rtSteady;
        try (Strategy s = pool()) {
            s.submit(inc(1)).join();
            submitColdUs = submitTiny(s, tiny); // the run's first round: JIT unfinished on both sides
            for (int i = 0; i < SUBMIT_WARM_UP; i++) {
                submitTiny(s, tiny);
            }
            submitUs = Math.min(submitTiny(s, tiny), submitTiny(s, tiny));
            List<Integer> inputs = IntStream.range(0, tiny).boxed().toList();
            mapColdUs = mapOnce(s, inputs, 0);
            // JIT warm-up of the per-element paths (a map of 20k is ~10 ms)
            for (int i = 0; i < MAP_WARM_UP; i++) {
                mapOnce(s, inputs, 0);
                mapOnce(s, inputs, 500);
            }
            mapAutoUs = Math.min(mapOnce(s, inputs, 0), Math.min(mapOnce(s, inputs, 0), mapOnce(s, inputs, 0)));
            map500Us = Math.min(mapOnce(s, inputs, 500), Math.min(mapOnce(s, inputs, 500), mapOnce(s, inputs, 500)));
            rt = roundTrip(s, 2_000);
            rtSteady = roundTrip(s, STEADY_WARM_UP);
        }
        double floorUs = PipeEcho.p50Micros(javaBin, cp, 2_000, 2_000, 100);

        long n = calibrate(0.5);
        double seq;
        double poolS;
        double threadsS;
        try (Strategy s = pool()) {
            // Start both workers and let their JIT compile the loop, as the CPython script warms its workers.
            s.map(spinFn(), java.util.Collections.nCopies(8, n / 20), 1).join();
            long t = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                spin(n);
            }
            seq = (System.nanoTime() - t) / 1e9;
            t = System.nanoTime();
            s.map(spinFn(), java.util.Collections.nCopies(8, n), 1).join();
            poolS = (System.nanoTime() - t) / 1e9;
        }
        ExecutorService threads = Executors.newFixedThreadPool(WORKERS);
        try {
            long t = System.nanoTime();
            List<Future<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(threads.submit(() -> spin(n)));
            }
            for (Future<Long> f : fs) {
                f.get();
            }
            threadsS = (System.nanoTime() - t) / 1e9;
        } finally {
            threads.shutdown();
        }

        String crash;
        boolean usable;
        try (Strategy s = pool()) {
            s.submit(inc(1)).join();
            try {
                s.submit(die()).join();
                crash = "none";
            } catch (CompletionException e) {
                crash = e.getCause().getClass().getSimpleName()
                        + (e.getCause() instanceof WorkerCrashedException w ? " (exit " + w.exitCode().orElse(null) + ")" : "");
            }
            usable = s.submit(inc(1)).join() == 2;
        }

        // ---- report ----
        double pyFirst = num(py, "\"first_result_s\": ([0-9.]+)");
        double pySubmit = num(py, "\"submit_tiny\": \\{[^}]*\"us_per_task\": ([0-9.]+)");
        double pyMap1 = num(py, "\"map_chunksize_1\": \\{[^}]*\"us_per_task\": ([0-9.]+)");
        double pyMap500 = num(py, "\"map_chunksize_500\": \\{[^}]*\"us_per_task\": ([0-9.]+)");
        double pyRt = num(py, "\"round_trip_us_p50\": ([0-9.]+)");
        double pySpeedup = num(py, "\"speedup\": ([0-9.]+)");
        double seqOverPool = seq / poolS;
        double seqOverThreads = seq / threadsS;
        System.out.println();
        System.out.println("Process pool vs CPython ProcessPoolExecutor, " + WORKERS + " workers, one run ("
                + Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("java.version") + ")");
        System.out.println("| measurement | Stratagem process pool | reference | ratio | goal |");
        System.out.println("| --- | --- | --- | --- | --- |");
        row("time to first result", f("%.0f ms (median of 5 fresh pools; this JVM's first pool %.0f ms)", first * 1e3,
                coldFirst * 1e3), f("CPython spawn %.0f ms", pyFirst * 1e3),
                f("%.2fx CPython's time", first / pyFirst), "<= 1x");
        row("20k tiny tasks via submit", f("%.2f us/task (the run's first round %.2f, before %d warm-up rounds)",
                        submitUs, submitColdUs, SUBMIT_WARM_UP), f("CPython %.2f us/task", pySubmit),
                f("%.1fx CPython's throughput (first round %.1fx)", pySubmit / submitUs, pySubmit / submitColdUs),
                ">= 10x");
        row("20k tiny tasks via map (auto chunk)", f("%.3f us/task (the run's first map %.3f, before %d warm-up maps)",
                        mapAutoUs, mapColdUs, 2 * MAP_WARM_UP),
                f("CPython best chunked %.3f us/task", Math.min(pyMap1, pyMap500)),
                f("%.2fx CPython's best", Math.min(pyMap1, pyMap500) / mapAutoUs), ">= 1x");
        row("20k tiny tasks via map (chunk 500)", f("%.3f us/task", map500Us), f("CPython chunk 500 %.3f us/task", pyMap500),
                f("%.2fx", pyMap500 / map500Us), "");
        // The floor is measured after its own warm-up in two fresh JVMs; the pool's warm row is the like-for-like one.
        row("one round trip, p50, warm (after " + STEADY_WARM_UP / 1000 + "k untimed)",
                f("%.1f us (JIT compiler threads used at least %.0f ms of CPU in the %.0f ms measured)", rtSteady.p50Us(), rtSteady.jitMs(),
                        rtSteady.spanMs()),
                f("raw JVM pipe echo %.1f us (after 2k untimed); CPython %.1f us", floorUs, pyRt),
                f("%.2fx the floor", rtSteady.p50Us() / floorUs), "<= 1.5x");
        row("one round trip, p50, right after the maps",
                f("%.1f us (JIT compiler threads used at least %.0f ms of CPU in the %.0f ms measured)", rt.p50Us(), rt.jitMs(),
                        rt.spanMs()),
                f("raw JVM pipe echo %.1f us", floorUs), f("%.2fx the floor", rt.p50Us() / floorUs), "");
        row("8 CPU tasks ~0.5 s: speedup over sequential", f("%.2fx (pool %.2f s, seq %.2f s)", seqOverPool, poolS, seq),
                f("2 threads %.2fx; CPython %.2fx", seqOverThreads, pySpeedup),
                f("%.2f of the threads' speedup", seqOverPool / seqOverThreads), ">= 0.93");
        row("a worker exits mid-task", crash + ", pool usable after: " + usable,
                "CPython: " + str(py, "\"crash\": \\{\"error\": \"?([A-Za-z]+)") + ", usable after: "
                        + str(py, "\"pool_usable_after\": (true|false)"), "", "crash fails one task");
        System.out.println();
        System.out.println("Java:    " + javaBin + " -cp <benchmarks class path> " + ProcessPoolBenchmark.class.getName()
                + " " + String.join(" ", args));
        System.out.println("CPython: " + String.join(" ", pyCmd));
        System.out.println("CPython JSON: " + py);
    }

    /** Seconds from building a fresh pool to its first result. */
    private static double firstResult() {
        long t0 = System.nanoTime();
        try (Strategy s = pool()) {
            s.submit(inc(1)).join();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * Only the time-to-first-result row, {@code runs} times (each a fresh pool), each followed by one fresh CPython
     * spawn pool (the peer script with a token workload after its first result) when {@code peers} is not null. The
     * JVM's first pool, which also loads the pool's own classes, is reported apart, as in the full run.
     */
    private static void firstResultOnly(int runs, String peers) throws Exception {
        List<String> pyCmd = List.of("python3", peers + "/procpool.py", "--workers", "" + WORKERS, "--tiny", "10",
                "--cpu-tasks", "1", "--cpu-work", "0.01", "--start-method", "spawn");
        double[] t = new double[runs];
        double[] py = new double[peers == null ? 0 : runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            try (Strategy s = pool()) {
                s.submit(inc(1)).join();
                t[r] = (System.nanoTime() - t0) / 1e6;
            }
            if (peers != null) {
                py[r] = num(runPython(pyCmd), "\"first_result_s\": ([0-9.]+)") * 1e3;
                System.out.println(f("first result, run %d: %.1f ms; CPython spawn %.1f ms", r + 1, t[r], py[r]));
            } else {
                System.out.println(f("first result, run %d: %.1f ms", r + 1, t[r]));
            }
        }
        double cold = t[0];
        double[] warm = Arrays.copyOfRange(t, runs > 1 ? 1 : 0, runs);
        Arrays.sort(warm);
        System.out.println(f("first result: median %.1f ms, min %.1f ms, max %.1f ms over %d fresh pools after this JVM's"
                + " first (%.1f ms)", warm[warm.length / 2], warm[0], warm[warm.length - 1], warm.length, cold));
        if (peers != null) {
            Arrays.sort(py);
            System.out.println(f("CPython spawn: median %.1f ms, min %.1f ms, max %.1f ms over %d fresh runs; ours %.2fx"
                    + " CPython's median", py[runs / 2], py[0], py[runs - 1], runs, warm[warm.length / 2] / py[runs / 2]));
            System.out.println("CPython: " + String.join(" ", pyCmd));
        }
    }

    /** Only the hot path, {@code runs} times on one pool: tiny tasks via submit, one round trip, and the floor. */
    private static void hotPathOnly(int runs, int tiny, String javaBin, String cp) throws Exception {
        try (Strategy s = pool()) {
            s.submit(inc(1)).join();
            double coldUs = submitTiny(s, tiny);
            for (int i = 0; i < SUBMIT_WARM_UP; i++) {
                submitTiny(s, tiny);
            }
            System.out.println(f("hot path: the first round of submits %.2f us/task, before %d warm-up rounds", coldUs,
                    SUBMIT_WARM_UP));
            for (int r = 0; r < runs; r++) {
                double submitUs = Math.min(submitTiny(s, tiny), submitTiny(s, tiny));
                RoundTrip rt = roundTrip(s, 2_000);
                double floorUs = PipeEcho.p50Micros(javaBin, cp, 2_000, 2_000, 100);
                System.out.println(f("hot path, run %d: submit %.2f us/task, round trip p50 %.1f us (JIT compiler threads used at least"
                        + " %.0f ms of CPU in %.0f ms), pipe echo p50 %.1f us (%.2fx the floor)", r + 1, submitUs, rt.p50Us(),
                        rt.jitMs(), rt.spanMs(), floorUs, rt.p50Us() / floorUs));
            }
        }
    }

    /**
     * A round-trip measurement: the p50, and the CPU time this JVM's JIT compiler threads used during the timed trips
     * (on 2 CPUs a busy compiler takes the CPU that the caller or the worker would poll on).
     */
    record RoundTrip(double p50Us, double jitMs, double spanMs) {
    }

    /** p50 of 2,000 round trips of one tiny task (submit, then join), after {@code warmUp} untimed ones. */
    private static RoundTrip roundTrip(Strategy s, int warmUp) {
        for (int i = 0; i < warmUp; i++) {
            s.submit(inc(i)).join();
        }
        double jit0 = compilerCpuMs();
        long t0 = System.nanoTime();
        long[] lat = new long[2_000];
        for (int i = 0; i < lat.length; i++) {
            long t = System.nanoTime();
            s.submit(inc(i)).join();
            lat[i] = System.nanoTime() - t;
        }
        double spanMs = (System.nanoTime() - t0) / 1e6;
        Arrays.sort(lat);
        // a lower bound: a compiler thread that ended meanwhile took its CPU time with it
        return new RoundTrip(lat[lat.length / 2] / 1000.0, Math.max(0, compilerCpuMs() - jit0), spanMs);
    }

    /**
     * CPU time of this JVM's JIT compiler threads so far, in ms, from Linux's per-thread {@code schedstat} (the
     * {@code CompilationMXBean}'s total counted 8 ms where the compiler threads ran for 60); NaN elsewhere.
     */
    static double compilerCpuMs() {
        File[] threads = new File("/proc/self/task").listFiles();
        if (threads == null) {
            return Double.NaN;
        }
        long nanos = 0;
        for (File t : threads) {
            try {
                String name = Files.readString(t.toPath().resolve("comm")).trim();
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    nanos += Long.parseLong(Files.readString(t.toPath().resolve("schedstat")).trim().split(" ")[0]);
                }
            } catch (IOException | RuntimeException e) {
                // the thread ended meanwhile (compiler threads come and go with the queue)
            }
        }
        return nanos / 1e6;
    }

    private static Strategy pool() {
        ProcessPoolStrategy.Builder b = ProcessPoolStrategy.builder().workers(WORKERS);
        // Diagnostics only (e.g. -Xlog:class+load:file=...): extra worker JVM options, which key their own AOT cache.
        String extra = System.getProperty("stratagem.bench.workerJvmOptions", "");
        if (!extra.isBlank()) {
            b.jvmOptions(extra.trim().split("\\s+"));
        }
        return b.build();
    }

    static Task<Integer> inc(int x) {
        return ctx -> x + 1;
    }

    static Task<Integer> die() {
        return ctx -> {
            Runtime.getRuntime().halt(3);
            return 0;
        };
    }

    static TaskFunction<Integer, Integer> incFn() {
        return (x, ctx) -> x + 1;
    }

    static TaskFunction<Long, Long> spinFn() {
        return (n, ctx) -> spin(n);
    }

    /** CPU work the JIT cannot remove: an LCG over n steps. */
    static long spin(long n) {
        long h = 1;
        for (long i = 0; i < n; i++) {
            h = h * 6364136223846793005L + i;
        }
        return h;
    }

    /** Iterations of {@link #spin} for {@code seconds}, measured once the JIT has compiled it. */
    static long calibrate(double seconds) {
        long n = 1_000_000;
        for (int i = 0; i < 20; i++) {
            spin(n); // warm-up: C2 compiles the loop
        }
        while (true) {
            long t = System.nanoTime();
            spin(n);
            double dt = (System.nanoTime() - t) / 1e9;
            if (dt > 0.1) {
                return (long) (n * seconds / dt);
            }
            n *= 4;
        }
    }

    private static double submitTiny(Strategy s, int n) {
        long t = System.nanoTime();
        List<TaskHandle<Integer>> hs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            hs.add(s.submit(inc(i)));
        }
        long sum = 0;
        for (TaskHandle<Integer> h : hs) {
            sum += h.join();
        }
        if (sum != (long) n * (n + 1) / 2) {
            throw new AssertionError("wrong sum " + sum);
        }
        return (System.nanoTime() - t) / 1e3 / n;
    }

    private static double mapOnce(Strategy s, List<Integer> inputs, int chunk) {
        long t = System.nanoTime();
        List<Integer> out = chunk == 0 ? s.map(incFn(), inputs).join() : s.map(incFn(), inputs, chunk).join();
        if (out.get(out.size() - 1) != inputs.size()) {
            throw new AssertionError("wrong map result");
        }
        return (System.nanoTime() - t) / 1e3 / inputs.size();
    }

    private static String runPython(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String last = "";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    last = line;
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("CPython run failed: " + String.join(" ", cmd) + " -> " + last);
        }
        return last;
    }

    private static double num(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static String str(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static void row(String... cells) {
        System.out.println("| " + String.join(" | ", cells) + " |");
    }
}
