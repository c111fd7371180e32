package io.stratagem.internal.classify;

import io.stratagem.Calibration;
import io.stratagem.spi.CalibrationProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Measures this machine's costs for the {@link Calibration}: the core probes (thread start and hand-off,
 * virtual-thread start, serialization) here, then every {@link CalibrationProbe} on the class path, then the costs of
 * whole runs ({@link RunCosts}: each backend's fixed start-up per run, the GIL's cost per waiting thread) for what the
 * probes did not report, sharing a budget of about {@link #TOTAL_BUDGET} ({@link #RUN_COSTS_SHARE} of it kept for the
 * run costs). The JVM-wide cache ({@link #cached()}) holds one immutable result: measuring disturbs the
 * machine, so it is done once per JVM. Thread-safe.
 */
public final class Calibrator {

    /** How long a full calibration may take. */
    public static final Duration TOTAL_BUDGET = Duration.ofMillis(2000);
    /** The part of the budget kept for {@link RunCosts}, measured last so the backends' classes are loaded. */
    public static final double RUN_COSTS_SHARE = 0.35;

    private static final Logger log = LoggerFactory.getLogger(Calibrator.class);
    private static final ReentrantLock LOCK = new ReentrantLock();
    // Written once under LOCK; volatile so that the unlocked fast path sees a fully built (immutable) record.
    private static volatile Calibration cached;

    private Calibrator() {
    }

    /** The JVM-wide calibration, measured by the first call (blocking about 2 s at most), then cached. */
    public static Calibration cached() {
        Calibration c = cached;
        if (c != null) {
            return c;
        }
        LOCK.lock();
        try {
            if (cached == null) {
                cached = measure(TOTAL_BUDGET, probes());
            }
            return cached;
        } finally {
            LOCK.unlock();
        }
    }

    /** The probes registered on the class path, in {@link io.stratagem.Backend} order. */
    public static List<CalibrationProbe> probes() {
        List<CalibrationProbe> list = new ArrayList<>();
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        for (CalibrationProbe p : ServiceLoader.load(CalibrationProbe.class,
                cl != null ? cl : Calibrator.class.getClassLoader())) {
            list.add(p);
        }
        // the process pool's probe starts a JVM: run it last, so it gets whatever the cheap probes left
        list.sort(java.util.Comparator.comparing(CalibrationProbe::backend));
        return list;
    }

    /**
     * Measures now, with the given probes, within about {@code budget}. A probe that fails or overruns its share
     * leaves its constants at the defaults (logged at WARN).
     */
    public static Calibration measure(Duration budget, List<CalibrationProbe> probes) {
        long start = System.nanoTime();
        long runCostsNanos = Math.round(budget.toNanos() * RUN_COSTS_SHARE);
        Map<String, Double> values = new HashMap<>();
        values.put("threadStartNanos", threadStartNanos());
        values.put("threadHandoffNanos", threadHandoffNanos());
        double vthread = virtualThreadStartNanos();
        values.put("virtualThreadStartNanos", vthread);
        values.put("serializationBytesPerSecond", serializationBytesPerSecond());
        for (int i = 0; i < probes.size(); i++) {
            CalibrationProbe probe = probes.get(i);
            long left = budget.toNanos() - runCostsNanos - (System.nanoTime() - start);
            Duration share = Duration.ofNanos(Math.max(left, 0) / (probes.size() - i));
            if (share.toMillis() < 50) {
                log.warn("calibration: no time left for the {} probe; its constants keep their defaults",
                        probe.backend());
                continue;
            }
            // a probe may overrun its share into what is left, never past the total budget
            values.putAll(run(probe, share, Duration.ofNanos(Math.min(2 * share.toNanos(), left))));
        }
        long left = budget.toNanos() - (System.nanoTime() - start);
        if (left >= 50_000_000) {
            try {
                RunCosts.measure(Duration.ofNanos(left), Runtime.getRuntime().availableProcessors())
                        .forEach(values::putIfAbsent);
            } catch (RuntimeException e) {
                log.warn("calibration: measuring the run costs failed; they keep their defaults", e);
            }
        } else {
            log.warn("calibration: no time left for the run costs; they keep their defaults");
        }
        // without the async backend's own probe, its per-task cost is a virtual thread plus a hand-off in either mode
        values.putIfAbsent("asyncLoopTaskNanos", vthread + values.get("threadHandoffNanos"));
        values.putIfAbsent("asyncParallelTaskNanos", vthread + values.get("threadHandoffNanos"));
        Calibration c = Calibration.defaults().with(values);
        log.info("calibration measured in {} ms: {}", (System.nanoTime() - start) / 1_000_000, c.asMap());
        return c;
    }

    private static Map<String, Double> run(CalibrationProbe probe, Duration share, Duration patience) {
        CompletableFuture<Map<String, Double>> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name("stratagem-calibration-" + probe.backend()).unstarted(() -> {
            try {
                result.complete(probe.measure(share));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.start();
        try {
            Map<String, Double> m = result.get(patience.toNanos(), TimeUnit.NANOSECONDS);
            Calibration.defaults().with(m); // validates names and ranges before they are mixed with the others
            return m;
        } catch (TimeoutException e) {
            t.interrupt();
            log.warn("calibration: the {} probe overran {} ms; its constants keep their defaults", probe.backend(),
                    patience.toMillis());
        } catch (ExecutionException | IllegalArgumentException e) {
            log.warn("calibration: the {} probe failed; its constants keep their defaults", probe.backend(),
                    e instanceof ExecutionException ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
        }
        return Map.of();
    }

    /** Submit-to-done cost of an empty task on a small pool, amortised over a batch. */
    static double threadHandoffNanos() {
        int n = 4000;
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "stratagem-calibration-handoff");
            t.setDaemon(true);
            return t;
        });
        try {
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                List<Future<?>> fs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    fs.add(pool.submit(() -> { }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                best = Math.min(best, (double) (System.nanoTime() - t0) / n);
            }
            return best;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Calibration.defaults().threadHandoffNanos();
        } catch (ExecutionException e) {
            throw new IllegalStateException("an empty task failed while calibrating", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Starting and joining one platform thread, amortised over a batch. */
    static double threadStartNanos() {
        int n = 200;
        double best = Double.MAX_VALUE;
        try {
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                Thread[] ts = new Thread[n];
                for (int i = 0; i < n; i++) {
                    ts[i] = Thread.ofPlatform().daemon().name("stratagem-calibration-start").start(() -> { });
                }
                for (Thread t : ts) {
                    t.join();
                }
                best = Math.min(best, (double) (System.nanoTime() - t0) / n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Calibration.defaults().threadStartNanos();
        }
        return best;
    }

    /** Starting and joining one virtual thread, amortised over a batch. */
    static double virtualThreadStartNanos() {
        int n = 2000;
        double best = Double.MAX_VALUE;
        try {
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                Thread[] ts = new Thread[n];
                for (int i = 0; i < n; i++) {
                    ts[i] = Thread.ofVirtual().start(() -> { });
                }
                for (Thread t : ts) {
                    t.join();
                }
                best = Math.min(best, (double) (System.nanoTime() - t0) / n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Calibration.defaults().virtualThreadStartNanos();
        }
        return best;
    }

    /** Java serialization of a 1 MiB byte array and back, bytes per second of payload. */
    static double serializationBytesPerSecond() {
        byte[] payload = new byte[1 << 20];
        double best = Double.MAX_VALUE;
        try {
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                ByteArrayOutputStream bos = new ByteArrayOutputStream(payload.length + 64);
                try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
                    out.writeObject(payload);
                }
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
                    if (((byte[]) in.readObject()).length != payload.length) {
                        throw new IllegalStateException("serialization round trip lost bytes");
                    }
                }
                best = Math.min(best, System.nanoTime() - t0);
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("serializing a byte array failed while calibrating", e);
        }
        return Math.min(Calibration.MAX_BYTES_PER_SECOND, payload.length / (best / 1e9));
    }
}
