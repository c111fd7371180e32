package io.stratagem.async.internal;

import io.stratagem.async.MisplacedTask;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/** Busy and run time per task name, for the misplaced-task report. Thread-safe; recording never blocks. */
public final class TaskStatsTable {

    /**
     * Counters striped by task id, each stripe on its own 64-byte line, so that tasks ending on different carriers
     * rarely share a cache line. Not LongAdder: it picks its cell by the thread's probe, which every new virtual thread
     * starts at zero, so a million one-shot threads all collide on one cell and rehash (it was the top frame of the
     * 1M-task profile). A fetch-and-add never retries.
     */
    private static final class Stat {
        private static final int STRIPES = 16;
        private static final int STRIDE = 8; // longs per 64-byte line
        final AtomicLongArray cells = new AtomicLongArray(STRIPES * STRIDE);

        void add(long id, long busy, long run) {
            int base = (int) (id & (STRIPES - 1)) * STRIDE;
            cells.getAndIncrement(base);
            cells.getAndAdd(base + 1, busy);
            cells.getAndAdd(base + 2, run);
        }

        long sum(int field) {
            long total = 0;
            for (int i = 0; i < STRIPES; i++) {
                total += cells.get(i * STRIDE + field);
            }
            return total;
        }
    }

    private final ConcurrentHashMap<String, Stat> byName = new ConcurrentHashMap<>();

    public void record(String name, long id, long busyNanos, long runNanos) {
        if (runNanos <= 0) {
            return; // never started
        }
        Stat s = byName.get(name);
        if (s == null) {
            s = byName.computeIfAbsent(name, n -> new Stat());
        }
        s.add(id, Math.max(0, Math.min(busyNanos, runNanos)), runNanos);
    }

    /** Names whose busy share is at least {@code minShare} and mean busy time per task at least {@code minMeanBusy}. */
    public List<MisplacedTask> misplaced(double minShare, Duration minMeanBusy) {
        List<MisplacedTask> out = new ArrayList<>();
        byName.forEach((name, s) -> {
            long n = s.sum(0);
            long busy = s.sum(1);
            long run = s.sum(2);
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
