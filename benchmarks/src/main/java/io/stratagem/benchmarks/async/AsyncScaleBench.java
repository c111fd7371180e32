package io.stratagem.benchmarks.async;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Side by side, in one run: K tasks that each wait, on CPython's asyncio ({@code asyncio_scale.py}), on
 * {@code EventLoop} (non-blocking sleep, no thread per waiting task), on {@code AsyncStrategy} (a virtual thread per
 * task) and on raw {@code Executors.newVirtualThreadPerTaskExecutor()}; and µs per task of gathering trivial tasks.
 * Each Java variant runs in its own JVM with default heap settings (so peak RSS is its own), warmed up first.
 *
 * <p>Usage: {@code AsyncScaleBench [--k 10000,100000,1000000] [--wait 1.0] [--trivial 100000] [--python python3]
 * [--script ../shared/peers/cpython/asyncio_scale.py]}
 */
public final class AsyncScaleBench {

    private AsyncScaleBench() {
    }

    record Row(double wallS, double rssMib, double cpuUs, double liveBytes) {
        double overheadUs(double waitS, int k) {
            return (wallS - waitS) / k * 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--k", "10000,100000,1000000", "--wait", "1.0",
                "--trivial", "100000", "--python", "python3",
                "--script", System.getProperty("stratagem.peers", "../shared/peers/cpython") + "/asyncio_scale.py"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!opt.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + opt.keySet());
            }
            opt.put(args[i], args[i + 1]);
        }
        List<Integer> ks = new ArrayList<>();
        for (String s : opt.get("--k").split(",")) {
            ks.add(Integer.parseInt(s.trim()));
        }
        double wait = Double.parseDouble(opt.get("--wait"));
        int trivial = Integer.parseInt(opt.get("--trivial"));
        long waitMs = Math.round(wait * 1000);

        List<String> py = List.of(opt.get("--python"), opt.get("--script"), "--k", opt.get("--k"),
                "--wait", opt.get("--wait"), "--trivial", String.valueOf(trivial));
        String pyJson = lastLine(py);
        System.out.println("$ " + String.join(" ", py));
        System.out.println(pyJson);

        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        Map<String, Row> rows = new LinkedHashMap<>();
        String childCmd = java + " -cp <cp> " + ScaleChild.class.getName() + " <variant> <k> " + waitMs;
        for (int k : ks) {
            for (String v : List.of("loop", "strategy", "bare", "rawvt")) {
                rows.put(v + k, child(java, cp, v, k, waitMs));
            }
        }
        for (String v : List.of("loop", "strategy", "bare", "rawvt")) {
            rows.put(v + "-trivial", child(java, cp, v + "-trivial", trivial, 0));
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "K tasks that each wait %.1f s: wall s / overhead µs per task beyond the wait / peak RSS MiB%n", wait);
        System.out.println("| K | CPython asyncio | EventLoop | AsyncStrategy | core floor | raw VT executor | CPython/EventLoop overhead | AsyncStrategy/raw overhead | AsyncStrategy/raw RSS | core floor/raw overhead | EventLoop wall / wait |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (int k : ks) {
            Row p = pyRow(pyJson, k);
            Row l = rows.get("loop" + k);
            Row s = rows.get("strategy" + k);
            Row b = rows.get("bare" + k);
            Row r = rows.get("rawvt" + k);
            System.out.printf(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %.1f× | %.2f× | %.2f× | %.2f× | %.2f× |%n", k,
                    cell(p, wait, k), cell(l, wait, k), cell(s, wait, k), cell(b, wait, k), cell(r, wait, k),
                    p.overheadUs(wait, k) / l.overheadUs(wait, k),
                    s.overheadUs(wait, k) / r.overheadUs(wait, k), s.rssMib() / r.rssMib(),
                    b.overheadUs(wait, k) / r.overheadUs(wait, k), l.wallS() / wait);
        }
        System.out.println();
        System.out.println("Robust under load: process CPU µs per task in the measured round, and live heap bytes per waiting task (GC during a separate round of 5 s waits; K <= 100k)");
        System.out.println("| K | EventLoop CPU / live | AsyncStrategy CPU / live | core floor CPU / live | raw VT CPU / live | AsyncStrategy/raw CPU | AsyncStrategy/raw live | core floor/raw live |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int k : ks) {
            Row l = rows.get("loop" + k);
            Row s = rows.get("strategy" + k);
            Row b = rows.get("bare" + k);
            Row r = rows.get("rawvt" + k);
            System.out.printf(Locale.ROOT, "| %,d | %.2f µs / %.0f B | %.2f µs / %.0f B | %.2f µs / %.0f B | %.2f µs / %.0f B | %.2f× | %.2f× | %.2f× |%n",
                    k, l.cpuUs(), l.liveBytes(), s.cpuUs(), s.liveBytes(), b.cpuUs(), b.liveBytes(), r.cpuUs(), r.liveBytes(),
                    s.cpuUs() / r.cpuUs(), s.liveBytes() / r.liveBytes(), b.liveBytes() / r.liveBytes());
        }
        double pyTrivial = number(pyJson, "\"trivial\":\\s*\\{[^}]*\"us_per_task\":\\s*([0-9.]+)");
        System.out.println();
        System.out.printf(Locale.ROOT, "Gather of %,d trivial tasks, µs per task (best of 5 after 5 warm-up rounds for Java)%n", trivial);
        System.out.println("| CPython asyncio | EventLoop | AsyncStrategy | core floor | raw VT executor | CPython/EventLoop | AsyncStrategy/raw | core floor/raw |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        double lt = rows.get("loop-trivial").wallS() / trivial * 1e6;
        double st = rows.get("strategy-trivial").wallS() / trivial * 1e6;
        double bt = rows.get("bare-trivial").wallS() / trivial * 1e6;
        double rt = rows.get("rawvt-trivial").wallS() / trivial * 1e6;
        System.out.printf(Locale.ROOT, "| %.2f | %.3f | %.3f | %.3f | %.3f | %.1f× | %.2f× | %.2f× |%n", pyTrivial, lt, st, bt, rt,
                pyTrivial / lt, st / rt, bt / rt);
        System.out.println();
        System.out.println("Java variants: " + childCmd + " (one JVM each, default heap: max "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB here)");
    }

    private static String cell(Row r, double wait, int k) {
        return String.format(Locale.ROOT, "%.3f s / %.2f µs / %.0f MiB", r.wallS(), r.overheadUs(wait, k), r.rssMib());
    }

    private static Row child(String java, String cp, String variant, int k, long waitMs) throws Exception {
        String json = lastLine(List.of(java, "-cp", cp, ScaleChild.class.getName(), variant, String.valueOf(k),
                String.valueOf(waitMs)));
        System.err.println(json);
        return new Row(number(json, "\"wall_s\":([0-9.]+)"), number(json, "\"peak_rss_mib\":([0-9.]+)"),
                number(json, "\"cpu_us_per_task\":([0-9.]+)"), json.contains("\"live_bytes_per_task\":NaN") ? Double.NaN
                        : number(json, "\"live_bytes_per_task\":(-?[0-9.]+)"));
    }

    private static Row pyRow(String json, int k) {
        Matcher m = Pattern.compile("\"" + k + "\":\\s*\\{\"wall_s\":\\s*([0-9.]+),\\s*\"overhead_us_per_task\":\\s*[-0-9.]+,"
                + "\\s*\"peak_rss_mib\":\\s*([0-9.]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no K=" + k + " in CPython's output: " + json);
        }
        return new Row(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.NaN, Double.NaN);
    }

    private static double number(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no match for " + regex + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    private static String lastLine(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    last = line;
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || last == null) {
            throw new IllegalStateException("command failed (exit " + rc + "): " + String.join(" ", cmd) + " in "
                    + Path.of("").toAbsolutePath());
        }
        return last;
    }
}
