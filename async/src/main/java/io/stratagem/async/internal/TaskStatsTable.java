package io.stratagem.async.internal;

import io.stratagem.async.MisplacedTask;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Busy and run time per task name, for the misplaced-task report. Thread-safe; recording never blocks. */
public final class TaskStatsTable {

    private static final class Stat {
        final LongAdder tasks = new LongAdder();
        final LongAdder busy = new LongAdder();
        final LongAdder run = new LongAdder();
    }

    private final ConcurrentHashMap<String, Stat> byName = new ConcurrentHashMap<>();

    public void record(String name, long busyNanos, long runNanos) {
        if (runNanos <= 0) {
            return; // never started
        }
        Stat s = byName.get(name);
        if (s == null) {
            s = byName.computeIfAbsent(name, n -> new Stat());
        }
        s.tasks.increment();
        s.busy.add(Math.max(0, Math.min(busyNanos, runNanos)));
        s.run.add(runNanos);
    }

    /** Names whose busy share is at least {@code minShare} and mean busy time per task at least {@code minMeanBusy}. */
    public List<MisplacedTask> misplaced(double minShare, Duration minMeanBusy) {
        List<MisplacedTask> out = new ArrayList<>();
        byName.forEach((name, s) -> {
            long n = s.tasks.sum();
            long busy = s.busy.sum();
            long run = s.run.sum();
            if (n == 0 || run == 0) {
                return;
            }
            double share = Math.min(1.0, (double) busy / run);
            if (share >= minShare && busy / n >= minMeanBusy.toNanos()) {
                out.add(new MisplacedTask(name, n, Duration.ofNanos(busy), Duration.ofNanos(run), share));
            }
        });
        out.sort(Comparator.comparingDouble(MisplacedTask::busyShare).reversed()
                .thenComparing(MisplacedTask::busyTime, Comparator.reverseOrder()));
        return out;
    }
}
