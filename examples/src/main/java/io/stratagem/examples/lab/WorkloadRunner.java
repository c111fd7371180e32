package io.stratagem.examples.lab;

import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskHandle;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link LabWorkload} on any {@link Strategy} and measures it: makespan, latency percentiles (submit to
 * completion), CPU as the OS counts it for this JVM and its worker processes, and where the tasks ran. Not
 * thread-safe; one run at a time.
 */
public final class WorkloadRunner {

    private final double iterationsPerMilli;
    private final Duration runTimeout;

    /**
     * @param iterationsPerMilli {@link CpuBurn} speed of this machine
     * @param runTimeout         longest a run may take before its remaining tasks are cancelled and it is reported
     *                           as failed
     */
    public WorkloadRunner(double iterationsPerMilli, Duration runTimeout) {
        if (!(iterationsPerMilli > 0)) {
            throw new IllegalArgumentException("iterationsPerMilli must be > 0, was " + iterationsPerMilli);
        }
        this.iterationsPerMilli = iterationsPerMilli;
        this.runTimeout = runTimeout;
    }

    /**
     * Runs a few small tasks (enough to start every worker and compile the hot loop) and waits for them. Blocks.
     *
     * @throws IllegalStateException if a warm-up task fails
     */
    public void warmUp(Strategy strategy, int tasks) throws InterruptedException {
        TaskKind tiny = new TaskKind("warm-up", 1, Duration.ofMillis(2), Duration.ZERO, 0, 0);
        List<TaskHandle<SyntheticTask.Outcome>> handles = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            handles.add(strategy.submit(SyntheticTask.of(tiny, iterationsPerMilli, i)));
        }
        for (TaskHandle<?> h : handles) {
            try {
                h.get(runTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("warm-up on " + strategy.backend() + " failed: " + e, e);
            }
        }
    }

    /** Runs the workload once on {@code strategy} and waits for every task. Blocks. */
    public Measurement run(Strategy strategy, LabWorkload workload) throws InterruptedException {
        List<TaskKind> order = workload.submissionOrder();
        List<SyntheticTask> tasks = new ArrayList<>(order.size());
        for (int i = 0; i < order.size(); i++) {
            tasks.add(SyntheticTask.of(order.get(i), iterationsPerMilli, i));
        }
        int n = tasks.size();
        long[] submitted = new long[n];
        long[] completed = new long[n];
        List<TaskHandle<SyntheticTask.Outcome>> handles = new ArrayList<>(n);
        List<CompletableFuture<?>> recorded = new ArrayList<>(n);
        CpuClock cpu = CpuClock.start();
        long t0 = System.nanoTime();
        long periodNanos = workload.arrival().isAllAtOnce() ? 0 : (long) (1e9 / workload.arrival().ratePerSecond());
        for (int i = 0; i < n; i++) {
            if (periodNanos > 0) {
                long due = t0 + i * periodNanos;
                for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
            }
            int index = i;
            submitted[i] = System.nanoTime();
            TaskHandle<SyntheticTask.Outcome> h = strategy.submit(tasks.get(i));
            // the stage that records the end time: waiting for it (not the handle) makes completed[i] visible here
            recorded.add(h.whenComplete((r, e) -> completed[index] = System.nanoTime()));
            handles.add(h);
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new));
        try {
            all.get(runTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // counted per task below
        } catch (TimeoutException e) {
            handles.forEach(h -> h.cancel(true));
            try {
                all.handle((r, x) -> null).get(runTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException stuck) {
                throw new IllegalStateException(strategy.backend() + " did not finish the workload within "
                        + Units.format(runTimeout) + ", nor stop within as long again after cancel", stuck);
            }
        }
        double cpuMs = cpu.elapsedMillis();
        return summarize(workload.kinds(), order, handles, recorded, submitted, completed, t0, cpuMs);
    }

    private static Measurement summarize(List<TaskKind> kindsInOrder, List<TaskKind> order,
                                         List<TaskHandle<SyntheticTask.Outcome>> handles,
                                         List<CompletableFuture<?>> recorded, long[] submitted, long[] completed,
                                         long t0, double cpuMs) {
        int n = handles.size();
        long[] latency = new long[n];
        long[] starts = new long[n];
        long[] ends = new long[n];
        long lastEnd = t0;
        long taskCpu = 0;
        boolean taskCpuKnown = true;
        int failed = 0;
        String firstFailure = "";
        Set<String> threads = new HashSet<>();
        Set<Long> pids = new HashSet<>();
        Map<String, List<Long>> byKind = new LinkedHashMap<>();
        kindsInOrder.forEach(k -> byKind.put(k.name(), new ArrayList<>())); // report kinds in the workload's order
        for (int i = 0; i < n; i++) {
            TaskHandle<SyntheticTask.Outcome> h = handles.get(i);
            recorded.get(i).handle((r, e) -> null).join(); // happens-after the write of completed[i]
            long end = completed[i];
            latency[i] = end - submitted[i];
            lastEnd = Math.max(lastEnd, end);
            var timings = h.timings();
            // the handle's own clock, not submitted[i]: the gap between the two differs per task (the first submit
            // loads classes), and shifting runs by different amounts would invent overlaps that never happened
            starts[i] = timings.startedNanos();
            ends[i] = timings.endedNanos();
            Optional<Duration> c = timings.cpuTime();
            if (c.isPresent()) {
                taskCpu += c.get().toNanos();
            } else {
                taskCpuKnown = false;
            }
            byKind.computeIfAbsent(order.get(i).name(), k -> new ArrayList<>()).add(latency[i]);
            if (h.isCompletedExceptionally()) {
                failed++;
                if (firstFailure.isEmpty()) {
                    firstFailure = failureOf(h);
                }
            } else {
                SyntheticTask.Outcome o = h.join();
                threads.add(o.pid() + "/" + o.thread());
                pids.add(o.pid());
            }
        }
        double makespanMs = (lastEnd - t0) / 1e6;
        List<Measurement.KindLatency> kinds = new ArrayList<>();
        byKind.forEach((kind, l) -> {
            long[] a = l.stream().mapToLong(Long::longValue).toArray();
            kinds.add(new Measurement.KindLatency(kind, ms(Stats.percentile(a, 50)), ms(Stats.percentile(a, 99))));
        });
        return new Measurement(round(makespanMs), round((n - failed) / (makespanMs / 1000)),
                ms(Stats.percentile(latency, 50)), ms(Stats.percentile(latency, 99)), round(cpuMs),
                taskCpuKnown ? ms(taskCpu) : -1, n, failed, firstFailure, Stats.peakOverlap(starts, ends),
                threads.size(), pids.size(), kinds);
    }

    private static String failureOf(TaskHandle<?> h) {
        try {
            h.join();
            return "";
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * A task that returns the array it captured: in the caller's heap it returns the very same object (shared
     * memory); in a worker process it returns a copy (isolated memory).
     */
    record EchoTask(byte[] data) implements Task<byte[]> {
        @Override
        public byte[] run(io.stratagem.TaskContext ctx) {
            return data;
        }
    }

    /** Whether a task on {@code strategy} sees the caller's objects themselves rather than copies. Blocks briefly. */
    public boolean sharesMemory(Strategy strategy) throws InterruptedException {
        byte[] mine = new byte[16];
        try {
            return strategy.submit(new EchoTask(mine)).get(runTimeout.toMillis(), TimeUnit.MILLISECONDS) == mine;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("shared-memory probe on " + strategy.backend() + " failed: " + e, e);
        }
    }

    /** CPU time of this JVM plus its descendant processes, as the OS reports it. */
    private record CpuClock(long processNanos, Map<Long, Long> children) {

        static CpuClock start() {
            return new CpuClock(processCpu(), childCpu());
        }

        double elapsedMillis() {
            long delta = processCpu() - processNanos;
            for (Map.Entry<Long, Long> e : childCpu().entrySet()) {
                delta += e.getValue() - children.getOrDefault(e.getKey(), 0L);
            }
            return delta / 1e6;
        }

        private static long processCpu() {
            var os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return Math.max(0, sun.getProcessCpuTime());
            }
            return 0;
        }

        private static Map<Long, Long> childCpu() {
            Map<Long, Long> m = new HashMap<>();
            ProcessHandle.current().descendants().forEach(p -> p.info().totalCpuDuration()
                    .ifPresent(d -> m.put(p.pid(), d.toNanos())));
            return m;
        }
    }
}
