package io.stratagem.examples.gil;

import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.gil.GilStats;
import io.stratagem.gil.GilStrategy;
import io.stratagem.gil.GlobalInterpreterLock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed document's claims about Python threads, measured on this machine with the emulated GIL, next to CPython's
 * own numbers when {@code python3} is present. One screen, about 30 seconds.
 *
 * <p>Run: {@code mvn -q -pl examples exec:java -Dexec.mainClass=io.stratagem.examples.gil.PythonThreadingClaims}
 */
public final class PythonThreadingClaims {

    private static final Path PEERS = Path.of(System.getProperty("stratagem.peers", "../shared/peers/cpython"));

    private PythonThreadingClaims() {
    }

    private static long blocksPerMs = 1_000;

    /**
     * A fixed amount of CPU work, about {@code millis} when run alone, with a checkpoint every few hundred
     * nanoseconds (a Python loop's back-edges).
     */
    static Task<Long> cpu(long millis) {
        long blocks = millis * blocksPerMs;
        return ctx -> {
            long x = 1;
            for (long b = 0; b < blocks; b++) {
                for (int i = 0; i < 256; i++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                ctx.checkpoint();
            }
            return x;
        };
    }

    /** Sets how many work blocks make a millisecond on this machine, after a warm-up. */
    static void calibrate(GilStrategy s) {
        for (int round = 0; round < 3; round++) {
            double w = wallOf(s, 1, cpu(100));
            blocksPerMs = Math.max(1, (long) (blocksPerMs * 0.1 / w));
        }
    }

    /** Median of three (n tasks' wall time / one task's wall time measured just before), as gil_threads.py does. */
    static double pairedRatio(GilStrategy s, int n) {
        double[] r = new double[3];
        for (int i = 0; i < r.length; i++) {
            double one = wallOf(s, 1, cpu(150));
            r[i] = wallOf(s, n, cpu(150)) / one;
        }
        java.util.Arrays.sort(r);
        return r[1];
    }

    static double wallOf(GilStrategy s, int n, Task<?> task) {
        long t0 = System.nanoTime();
        List<TaskHandle<?>> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hs.add(s.submit(task));
        }
        hs.forEach(TaskHandle::join);
        return (System.nanoTime() - t0) / 1e9;
    }

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "The seed's claims about Python threads, on this machine (%d cores, load average %.1f:"
                        + " free threads need idle cores to run in parallel). Emulated GIL: 5 ms switch interval.%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        String py = python("gil_threads.py", "--work", "0.15", "--threads", "1,2,4", "--repeats", "3");

        // Claim 1: CPU-bound threads take turns; n threads take about n times as long.
        System.out.println();
        System.out.println("1. \"If each thread takes t seconds of CPU and you have n threads, time ~ n * t.\"");
        System.out.println("   n | Python semantics (GIL) | JVM semantics (free threads) | CPython 3 (same machine)");
        try (GilStrategy gil = GilStrategy.builder().threads(4).build();
             GilStrategy free = GilStrategy.builder().threads(4).mode(GlobalInterpreterLock.Mode.FREE_THREADED).build()) {
            calibrate(gil);
            for (int i = 0; i < 5; i++) { // warm up both pools' threads and the JIT before measuring
                wallOf(gil, 2, cpu(50));
                wallOf(free, 2, cpu(50));
            }
            for (int n : new int[]{1, 2, 4}) {
                double g = pairedRatio(gil, n);
                double f = pairedRatio(free, n);
                System.out.printf(Locale.ROOT, "   %d | %10.2f x t           | %12.2f x t                | %s%n",
                        n, g, f, cpuRatio(py, n));
            }
            GilStats st = gil.lock().stats();
            System.out.printf(Locale.ROOT, "   (GIL: %d forced switches, forced runs p50 %.2f ms: the threads took turns)%n",
                    st.forcedDrops(), st.holdForced().p50() / 1e6);
        }

        // Claim 2: blocking waits overlap.
        System.out.println();
        System.out.println("2. \"You gain speed when threads wait (I/O, sleep)\": 8 threads x 10 sleeps of 50 ms (0.5 s each)");
        try (GilStrategy gil = GilStrategy.builder().threads(8).build()) {
            double w = wallOf(gil, 8, ctx -> {
                for (int i = 0; i < 10; i++) {
                    ctx.sleep(Duration.ofMillis(50));
                }
                return 0;
            });
            System.out.printf(Locale.ROOT, "   GIL: %.2f s for 8 threads (sequential would be 4.0 s)%s%n", w,
                    ioWall(py, 8).map(c -> String.format(Locale.ROOT, "; CPython: %.2f s", c)).orElse(""));
        }

        // Claim 3: an I/O thread stuck behind a CPU thread pays a switch interval per call (the convoy effect).
        System.out.println();
        System.out.println("3. \"Regular GIL management\" costs an I/O thread: 100 blocking calls of 0.2 ms, alone and beside"
                + " one CPU-bound thread");
        Task<Integer> io = ctx -> {
            for (int i = 0; i < 100; i++) {
                ctx.blocking(() -> {
                    LockSupport.parkNanos(200_000);
                    return null;
                });
            }
            return 0;
        };
        try (GilStrategy alone = GilStrategy.builder().threads(2).build();
             GilStrategy beside = GilStrategy.builder().threads(2).timeline(true).build()) {
            double a = wallOf(alone, 1, io);
            TaskHandle<Long> hog = beside.submit(cpu(1_500));
            LockSupport.parkNanos(20_000_000);
            long t0 = System.nanoTime();
            beside.submit(io).join();
            double b = (System.nanoTime() - t0) / 1e9;
            hog.join();
            GilStats st = beside.lock().stats();
            System.out.printf(Locale.ROOT, "   alone %.3f s; beside a CPU thread %.3f s (%.0fx): %.0f%% of returns waited >= "
                            + "one interval, median wait %.2f ms%n", a, b, b / a, 100 * st.convoyScore(),
                    st.waitAfterReleasing().p50() / 1e6);
        }

        // Claim 4: the seed's diagram, drawn from timelines of two CPU-bound threads.
        System.out.println();
        System.out.println("4. \"Python threading (with GIL) takes turns; C++ threading runs in parallel\": 2 threads x 40 ms of CPU");
        for (GlobalInterpreterLock.Mode mode : new GlobalInterpreterLock.Mode[]{GlobalInterpreterLock.Mode.GIL,
                GlobalInterpreterLock.Mode.FREE_THREADED}) {
            try (GilStrategy s = GilStrategy.builder().threads(2).mode(mode).timeline(true).build()) {
                wallOf(s, 2, cpu(40));
                System.out.println("   " + mode + ":");
                System.out.print(s.lock().timeline().toAsciiStrip(64).indent(3));
            }
        }
        if (py.isEmpty()) {
            System.out.println("(python3 or " + PEERS + " not found: CPython columns left empty)");
        }
    }

    static String cpuRatio(String json, int n) {
        Matcher m = Pattern.compile("\"" + n + "\": \\{\"wall_s\": [\\d.]+, \"ratio_to_single\": ([\\d.]+)").matcher(json);
        return m.find() ? String.format(Locale.ROOT, "%.2f x t", Double.parseDouble(m.group(1))) : "n/a";
    }

    static java.util.Optional<Double> ioWall(String json, int n) {
        int at = json.indexOf("\"io\"");
        if (at < 0) {
            return java.util.Optional.empty();
        }
        Matcher m = Pattern.compile("\"" + n + "\": \\{\"wall_s\": ([\\d.]+)\\}").matcher(json.substring(at));
        return m.find() ? java.util.Optional.of(Double.parseDouble(m.group(1))) : java.util.Optional.empty();
    }

    /** Runs a CPython peer script and returns its last line (its JSON), or "" if python3 or the script is missing. */
    static String python(String script, String... args) {
        Path p = PEERS.resolve(script);
        if (!Files.isRegularFile(p)) {
            return "";
        }
        List<String> cmd = new ArrayList<>(List.of("python3", p.toString()));
        cmd.addAll(List.of(args));
        try {
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String last = "";
            try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    last = line.isBlank() ? last : line;
                }
            }
            proc.waitFor();
            return last;
        } catch (Exception e) {
            return "";
        }
    }
}
