package io.stratagem.benchmarks.gil;

import io.stratagem.gil.GlobalInterpreterLock.Mode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Side by side, in one run: the emulated GIL against CPython on this machine. Runs the Java scenarios, then CPython's
 * {@code gil_threads.py} and {@code convoy.py}, and prints ratios next to each other with the commands that produced
 * them, checked against the targets of issue 3.
 *
 * <p>Usage: {@code CpythonComparison [--work SECONDS] [--repeats N] [--seconds CONVOY_SECONDS] [--peers DIR]}
 */
public final class CpythonComparison {

    private CpythonComparison() {
    }

    public static void main(String[] args) throws Exception {
        double work = 0.5;
        int repeats = 3;
        double seconds = 1.5;
        String peers = System.getProperty("stratagem.peers", "../shared/peers/cpython");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--work" -> work = Double.parseDouble(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--peers" -> peers = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --work S --repeats N --seconds S --peers DIR");
            }
        }
        int[] ks = {1, 2, 4};
        System.out.printf(Locale.ROOT, "Emulated GIL vs CPython on this machine (%d cores, JDK %s, load average %.1f)%n%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        // ---- Java ----
        JavaGilScenarios.calibrate(0.1); // warm up
        long steps = JavaGilScenarios.calibrate(work);
        Map<Integer, double[]> javaGil = new HashMap<>();
        Map<Integer, double[]> javaFree = new HashMap<>();
        for (int k : ks) {
            javaGil.put(k, JavaGilScenarios.cpuRatio(Mode.GIL, k, steps, repeats));
            javaFree.put(k, JavaGilScenarios.cpuRatio(Mode.FREE_THREADED, k, steps, repeats));
        }
        io.stratagem.gil.GilStats switching;
        try (io.stratagem.gil.GlobalInterpreterLock gil = io.stratagem.gil.GlobalInterpreterLock.create()) {
            JavaGilScenarios.run(gil, 2, g -> JavaGilScenarios.countdown(g, steps));
            switching = gil.stats();
        }
        Map<Integer, Double> javaIo = new HashMap<>();
        for (int k : new int[]{1, 8, 64}) {
            javaIo.put(k, JavaGilScenarios.sleeps(k, 10, 50));
        }
        Map<String, JavaGilScenarios.Convoy> javaConvoy = new HashMap<>();
        for (double iv : new double[]{0.005, 0.001}) {
            for (int k : new int[]{0, 1, 2}) {
                javaConvoy.put(iv + "/" + k, JavaGilScenarios.convoy(Duration.ofNanos((long) (iv * 1e9)), k, seconds));
            }
        }

        // ---- CPython ----
        List<String> gilCmd = List.of("python3", peers + "/gil_threads.py", "--work", String.valueOf(work),
                "--threads", "1,2,4", "--repeats", String.valueOf(repeats));
        List<String> convoyCmd = List.of("python3", peers + "/convoy.py", "--seconds", String.valueOf(seconds),
                "--cpu-threads", "0,1,2", "--intervals", "0.005,0.001");
        String gilJson = runPython(gilCmd);
        String convoyJson = runPython(convoyCmd);

        // ---- tables ----
        String javaCmd = "java -cp <benchmarks classpath> " + CpythonComparison.class.getName() + " " + String.join(" ", args);
        System.out.println("Java:    " + javaCmd);
        System.out.println("CPython: " + String.join(" ", gilCmd));
        System.out.println("CPython: " + String.join(" ", convoyCmd));
        System.out.println();

        Map<Integer, double[]> py = parseCpu(gilJson);
        System.out.println("CPU-bound threads: wall time of k threads / one alone (median of " + repeats + "), CPU per wall second");
        System.out.println("  k | CPython ratio | Java GIL ratio | Java/CPython | target (within 15%) | CPython cpu/wall | Java GIL cpu/wall | Java FREE ratio | FREE speed-up");
        boolean ok = true;
        for (int k : ks) {
            double[] p = py.get(k);
            double[] j = javaGil.get(k);
            double[] f = javaFree.get(k);
            double rel = p == null ? Double.NaN : j[0] / p[0];
            boolean pass = p != null && Math.abs(rel - 1) <= 0.15;
            ok &= pass;
            System.out.printf(Locale.ROOT, "  %d | %13.3f | %14.3f | %12.3f | %-19s | %16.2f | %17.2f | %15.3f | %12.2fx%n",
                    k, p == null ? Double.NaN : p[0], j[0], rel, pass ? "ok" : "MISSED",
                    p == null ? Double.NaN : p[1], j[1], f[0], k / f[0]);
        }
        double freeSpeedup = 2 / javaFree.get(2)[0];
        boolean freeOk = freeSpeedup >= 1.7;
        System.out.printf(Locale.ROOT, "  free-threaded, 2 CPU threads: %.2fx the single-thread throughput (target >= 1.7x on 2 cores): %s%n%n",
                freeSpeedup, freeOk ? "ok" : "MISSED");

        System.out.printf(Locale.ROOT, "Cost of one forced switch (2 CPU threads, 5 ms): the dropper's handoff wait until the "
                        + "other thread holds: p50 %.1f us, p99 %.1f us over %d switches; forced runs p50 %.3f ms%n%n",
                switching.handoffWait().p50() / 1e3, switching.handoffWait().p99() / 1e3, switching.handoffWaits(),
                switching.holdForced().p50() / 1e6);

        Map<Integer, Double> pyIo = parseIo(gilJson);
        System.out.println("Blocking waits: k threads x 10 sleeps of 50 ms (ideal 0.5 s: all overlap)");
        System.out.println("   k | CPython wall s | Java GIL wall s");
        for (int k : new int[]{1, 8, 64}) {
            System.out.printf(Locale.ROOT, "  %2d | %14.3f | %15.3f%n", k, pyIo.getOrDefault(k, Double.NaN), javaIo.get(k));
        }
        System.out.println();

        Map<String, double[]> pyConvoy = parseConvoy(convoyJson);
        System.out.println("Convoy (convoy.py): echo round trips per second between two threads under the lock, k CPU threads spinning");
        System.out.println("  interval | k | CPython trips/s | CPython p50 ms | Java trips/s | Java p50 ms | Java/CPython | target (within 3x) | Java convoy score");
        for (double iv : new double[]{0.005, 0.001}) {
            for (int k : new int[]{0, 1, 2}) {
                double[] p = pyConvoy.get(iv + "/" + k);
                JavaGilScenarios.Convoy j = javaConvoy.get(iv + "/" + k);
                double rel = p == null ? Double.NaN : j.tripsPerSecond() / p[0];
                boolean pass = p != null && rel >= 1.0 / 3 && rel <= 3;
                ok &= pass;
                System.out.printf(Locale.ROOT, "  %5.0f ms | %d | %15.1f | %14.3f | %12.1f | %11.3f | %12.2f | %-18s | %.2f%n",
                        iv * 1000, k, p == null ? Double.NaN : p[0], p == null ? Double.NaN : p[1],
                        j.tripsPerSecond(), j.p50Ms(), rel, pass ? "ok" : "MISSED", j.stats().convoyScore());
            }
        }
        System.out.println();
        System.out.println(ok && freeOk ? "All targets met in this run." : "Some targets were MISSED in this run (see above).");
        System.out.printf(Locale.ROOT, "Load average at the end: %.1f (on a shared machine, ratios measured in one run are what counts)%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String runPython(List<String> cmd) throws IOException, InterruptedException {
        if (!Files.isRegularFile(Path.of(cmd.get(1)))) {
            return "";
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            System.out.println("(python3 not available: " + e.getMessage() + ")");
            return "";
        }
        String last = "";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    last = line;
                }
            }
        }
        p.waitFor();
        return last;
    }

    static Map<Integer, double[]> parseCpu(String json) {
        Map<Integer, double[]> m = new HashMap<>();
        Matcher x = Pattern.compile("\"(\\d+)\": \\{\"wall_s\": ([\\d.]+), \"ratio_to_single\": ([\\d.]+), "
                + "\"cpu_per_wall\": ([\\d.]+)\\}").matcher(json);
        while (x.find()) {
            m.put(Integer.parseInt(x.group(1)), new double[]{Double.parseDouble(x.group(3)), Double.parseDouble(x.group(4))});
        }
        return m;
    }

    static Map<Integer, Double> parseIo(String json) {
        Map<Integer, Double> m = new HashMap<>();
        int io = json.indexOf("\"io\"");
        if (io < 0) {
            return m;
        }
        Matcher x = Pattern.compile("\"(\\d+)\": \\{\"wall_s\": ([\\d.]+)\\}").matcher(json.substring(io));
        while (x.find()) {
            m.put(Integer.parseInt(x.group(1)), Double.parseDouble(x.group(2)));
        }
        return m;
    }

    static Map<String, double[]> parseConvoy(String json) {
        Map<String, double[]> m = new HashMap<>();
        Matcher x = Pattern.compile("\\{\"round_trips_per_s\": ([\\d.]+), \"p50_ms\": ([\\d.]+), \"p99_ms\": ([\\d.]+), "
                + "\"switch_interval_s\": ([\\d.]+), \"cpu_threads\": (\\d+)\\}").matcher(json);
        while (x.find()) {
            m.put(Double.parseDouble(x.group(4)) + "/" + x.group(5),
                    new double[]{Double.parseDouble(x.group(1)), Double.parseDouble(x.group(2))});
        }
        return m;
    }

}
