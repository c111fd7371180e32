package io.stratagem.benchmarks.async;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Side by side, in one run: K tasks that each wait, on CPython's asyncio ({@code asyncio_scale.py}), on
 * {@code EventLoop} (non-blocking sleep, no thread per waiting task), on {@code AsyncStrategy} (a virtual thread per
 * task) and on raw {@code Executors.newVirtualThreadPerTaskExecutor()}; and µs per task of gathering trivial tasks.
 * Each Java variant runs in its own JVM with default heap settings (so peak RSS is its own), warmed up first.
 *
 * <p>{@code AsyncStrategy} against the raw executor is the close comparison (goal: at most 1.3× its overhead and
 * memory), and one JVM's run of it swings with where G1 happens to resize the heap and collect. So those two run in
 * {@code --rounds} alternating pairs, each in a fresh JVM (the order flips every round: raw first, then ours first),
 * and the tables show the median of each variant with the min–max of the per-round ratios (each round's pair ran
 * back to back). The other variants, whose ratios are far from their goals, run once. Live heap per waiting task is
 * measured once per variant and K (a separate round of 5 s waits, K ≤ 100k).
 *
 * <p>Usage: {@code AsyncScaleBench [--k 10000,100000,1000000] [--wait 1.0] [--trivial 100000] [--rounds 5]
 * [--python python3] [--script ../shared/peers/cpython/asyncio_scale.py]}
 */
public final class AsyncScaleBench {

    private AsyncScaleBench() {
    }

    record Row(double wallS, double rssMib, double cpuUs, double liveBytes) {
        double overheadUs(double waitS, int k) {
            return (wallS - waitS) / k * 1e6;
        }
    }

    /** Runs of the EventLoop at each K (the first also measures live bytes); the table shows their median. */
    private static final int LOOP_RUNS = 3;

    /** The variants measured at one K: the loop's and the bare floor's medians, the rounds of ours and of raw. */
    record AtK(Row loop, Row bare, Rounds strategyRounds, Rounds rawRounds) {
        static AtK of(Map<String, Rounds> rows, int k) {
            return new AtK(rows.get("loop" + k).medianRow(), rows.get("bare" + k).medianRow(),
                    rows.get("strategy" + k), rows.get("rawvt" + k));
        }
    }

    /** What one variant measured over the rounds, in round order. */
    record Rounds(List<Row> rows) {
        double median(ToDoubleFunction<Row> f) {
            return AsyncScaleBench.median(rows.stream().mapToDouble(f).toArray());
        }

        Row medianRow() {
            return new Row(median(Row::wallS), median(Row::rssMib), median(Row::cpuUs), rows.getFirst().liveBytes());
        }

        /** min and max over rounds of this round's value divided by {@code base}'s in the same round. */
        double[] ratioRange(Rounds base, ToDoubleFunction<Row> f) {
            double lo = Double.MAX_VALUE;
            double hi = -Double.MAX_VALUE;
            for (int i = 0; i < rows.size(); i++) {
                double r = f.applyAsDouble(rows.get(i)) / f.applyAsDouble(base.rows.get(i));
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
            }
            return new double[] {lo, hi};
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--k", "10000,100000,1000000", "--wait", "1.0",
                "--trivial", "100000", "--rounds", "5", "--python", "python3",
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
        int rounds = Integer.parseInt(opt.get("--rounds"));
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, was " + rounds);
        }
        long waitMs = Math.round(wait * 1000);

        List<String> py = List.of(opt.get("--python"), opt.get("--script"), "--k", opt.get("--k"),
                "--wait", opt.get("--wait"), "--trivial", String.valueOf(trivial));
        String pyJson = lastLine(py);
        System.out.println("$ " + String.join(" ", py));
        System.out.println(pyJson);

        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        String childCmd = java + " -cp <cp> " + ScaleChild.class.getName() + " <variant> <k> " + waitMs + " [nolive]";
        Map<String, Rounds> rows = new LinkedHashMap<>();
        for (int k : ks) {
            for (String v : List.of("loop", "bare")) {
                rows.put(v + k, new Rounds(List.of(child(java, cp, v, k, waitMs, true))));
            }
            // the loop's "1M waiting tasks within 1.5x the wait" is a goal of its own: a median, not one run's luck
            List<Row> loop = new ArrayList<>(rows.get("loop" + k).rows());
            for (int i = 1; i < LOOP_RUNS; i++) {
                loop.add(child(java, cp, "loop", k, waitMs, false));
            }
            rows.put("loop" + k, new Rounds(loop));
            rows.put("strategy" + k, new Rounds(new ArrayList<>()));
            rows.put("rawvt" + k, new Rounds(new ArrayList<>()));
        }
        for (String v : List.of("loop", "bare")) {
            rows.put(v + "-trivial", new Rounds(List.of(child(java, cp, v + "-trivial", trivial, 0, false))));
        }
        rows.put("strategy-trivial", new Rounds(new ArrayList<>()));
        rows.put("rawvt-trivial", new Rounds(new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            List<String> pair = round % 2 == 0 ? List.of("rawvt", "strategy") : List.of("strategy", "rawvt");
            for (int k : ks) {
                for (String v : pair) {
                    rows.get(v + k).rows().add(child(java, cp, v, k, waitMs, round == 0));
                }
            }
            for (String v : pair) {
                rows.get(v + "-trivial").rows().add(child(java, cp, v + "-trivial", trivial, 0, false));
            }
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "K tasks that each wait %.1f s: wall s / overhead µs per task beyond the wait / peak RSS MiB"
                + " (EventLoop: median of " + LOOP_RUNS + " runs; AsyncStrategy and raw VT: median of %d alternating rounds; ratios: of the medians, [min–max of the"
                + " per-round ratios])%n", wait, rounds);
        System.out.println("| K | CPython asyncio | EventLoop | AsyncStrategy | core floor | raw VT executor | CPython/EventLoop overhead | AsyncStrategy/raw overhead | AsyncStrategy/raw RSS | core floor/raw overhead | EventLoop wall / wait |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (int k : ks) {
            Row p = pyRow(pyJson, k);
            AtK at = AtK.of(rows, k);
            Row l = at.loop();
            Rounds sr = at.strategyRounds();
            Rounds rr = at.rawRounds();
            Row s = sr.medianRow();
            Row b = at.bare();
            Row r = rr.medianRow();
            System.out.printf(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %.1f× | %s | %s | %.2f× | %.2f× |%n", k,
                    cell(p, wait, k), cell(l, wait, k), cell(s, wait, k), cell(b, wait, k), cell(r, wait, k),
                    p.overheadUs(wait, k) / l.overheadUs(wait, k),
                    ratio(s.overheadUs(wait, k) / r.overheadUs(wait, k), sr.ratioRange(rr, x -> x.overheadUs(wait, k))),
                    ratio(s.rssMib() / r.rssMib(), sr.ratioRange(rr, Row::rssMib)),
                    b.overheadUs(wait, k) / r.overheadUs(wait, k), l.wallS() / wait);
        }
        System.out.println();
        System.out.println("Robust under load: process CPU µs per task in the measured round (AsyncStrategy and raw VT: median, ratio [min–max]), and live heap bytes per waiting task (GC during a separate round of 5 s waits; K <= 100k; measured once)");
        System.out.println("| K | EventLoop CPU / live | AsyncStrategy CPU / live | core floor CPU / live | raw VT CPU / live | AsyncStrategy/raw CPU | AsyncStrategy/raw live | core floor/raw live |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int k : ks) {
            AtK at = AtK.of(rows, k);
            Row l = at.loop();
            Rounds sr = at.strategyRounds();
            Rounds rr = at.rawRounds();
            Row s = sr.medianRow();
            Row b = at.bare();
            Row r = rr.medianRow();
            System.out.printf(Locale.ROOT, "| %,d | %.2f µs / %.0f B | %.2f µs / %.0f B | %.2f µs / %.0f B | %.2f µs / %.0f B | %s | %.2f× | %.2f× |%n",
                    k, l.cpuUs(), l.liveBytes(), s.cpuUs(), s.liveBytes(), b.cpuUs(), b.liveBytes(), r.cpuUs(), r.liveBytes(),
                    ratio(s.cpuUs() / r.cpuUs(), sr.ratioRange(rr, Row::cpuUs)), s.liveBytes() / r.liveBytes(),
                    b.liveBytes() / r.liveBytes());
        }
        double pyTrivial = number(pyJson, "\"trivial\":\\s*\\{[^}]*\"us_per_task\":\\s*([0-9.]+)");
        System.out.println();
        System.out.printf(Locale.ROOT, "Gather of %,d trivial tasks, µs per task (best of 5 after 5 warm-up rounds for Java;"
                + " AsyncStrategy and raw VT: median over %d alternating JVMs of that best)%n", trivial, rounds);
        System.out.println("| CPython asyncio | EventLoop | AsyncStrategy | core floor | raw VT executor | CPython/EventLoop | AsyncStrategy/raw | core floor/raw |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Rounds str = rows.get("strategy-trivial");
        Rounds rtr = rows.get("rawvt-trivial");
        double lt = rows.get("loop-trivial").median(Row::wallS) / trivial * 1e6;
        double st = str.median(Row::wallS) / trivial * 1e6;
        double bt = rows.get("bare-trivial").median(Row::wallS) / trivial * 1e6;
        double rt = rtr.median(Row::wallS) / trivial * 1e6;
        System.out.printf(Locale.ROOT, "| %.2f | %.3f | %.3f | %.3f | %.3f | %.1f× | %s | %.2f× |%n", pyTrivial, lt, st, bt, rt,
                pyTrivial / lt, ratio(st / rt, str.ratioRange(rtr, Row::wallS)), bt / rt);
        System.out.println();
        System.out.println("Java variants: " + childCmd + " (one JVM each, default heap: max "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB here)");
    }

    private static String ratio(double r, double[] range) {
        return String.format(Locale.ROOT, "%.2f× [%.2f–%.2f]", r, range[0], range[1]);
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static String cell(Row r, double wait, int k) {
        return String.format(Locale.ROOT, "%.3f s / %.2f µs / %.0f MiB", r.wallS(), r.overheadUs(wait, k), r.rssMib());
    }

    private static Row child(String java, String cp, String variant, int k, long waitMs, boolean live) throws Exception {
        String json = lastLine(List.of(java, "-cp", cp, ScaleChild.class.getName(), variant, String.valueOf(k),
                String.valueOf(waitMs), live ? "live" : "nolive"));
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
