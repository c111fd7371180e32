package io.stratagem.async.internal;

import io.stratagem.async.MisplacedTask;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Busy and run time per task name, for the misplaced-task report. Thread-safe; recording never blocks. */
public final class TaskStatsTable {

    /**
     * Plain atomics, not LongAdder: a LongAdder picks its cell by the thread's probe, which every new virtual thread
     * starts at zero, so a million one-shot threads all collide on the same cell and rehash (it was the top frame of
     * the 1M-task profile). One fetch-and-add each never retries.
     */
    private static final class Stat {
        final AtomicLong tasks = new AtomicLong();
        final AtomicLong busy = new AtomicLong();
        final AtomicLong run = new AtomicLong();
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
        s.tasks.getAndIncrement();
        s.busy.getAndAdd(Math.max(0, Math.min(busyNanos, runNanos)));
        s.run.getAndAdd(runNanos);
    }

    /** Names whose busy share is at least {@code minShare} and mean busy time per task at least {@code minMeanBusy}. */
    public List<MisplacedTask> misplaced(double minShare, Duration minMeanBusy) {
        List<MisplacedTask> out = new ArrayList<>();
        byName.forEach((name, s) -> {
            long n = s.tasks.get();
            long busy = s.busy.get();
            long run = s.run.get();
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
