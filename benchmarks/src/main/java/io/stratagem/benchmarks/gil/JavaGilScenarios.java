package io.stratagem.benchmarks.gil;

import io.stratagem.gil.GilStats;
import io.stratagem.gil.GilThread;
import io.stratagem.gil.GlobalInterpreterLock;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Java side of the CPython comparison: the same scenarios as {@code gil_threads.py} and {@code convoy.py}, with
 * platform threads attached to an emulated GIL.
 */
final class JavaGilScenarios {

    private JavaGilScenarios() {
    }

    static volatile long sink;

    /** A countdown of {@code n} steps with a checkpoint every 1,024 steps (CPython polls at every loop back-edge). */
    static void countdown(GilThread g, long n) {
        long x = n;
        while (n > 0) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            n--;
            if ((n & 1023) == 0) {
                g.checkpoint();
            }
        }
        sink = x;
    }

    /** Steps of {@link #countdown} that take about {@code seconds} alone (after warming up). */
    static long calibrate(double seconds) throws InterruptedException {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.create()) {
            long n = 1 << 20;
            while (true) {
                long[] steps = {n};
                double wall = run(gil, 1, g -> countdown(g, steps[0]))[0];
                if (wall > 0.2) {
                    return (long) (n * seconds / wall);
                }
                n *= 4;
            }
        }
    }

    interface Body {
        void run(GilThread g) throws Exception;
    }

    /** Wall seconds and process CPU seconds of {@code k} threads each attached to {@code gil} running {@code body}. */
    static double[] run(GlobalInterpreterLock gil, int k, Body body) throws InterruptedException {
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            ts.add(new Thread(() -> {
                try (GilThread g = gil.attach()) {
                    body.run(g);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-" + i));
        }
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        return new double[]{wall, (processCpuNanos() - c0) / 1e9};
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Median over {@code repeats} of (k-thread wall / single wall next to it) and CPU per wall, as gil_threads.py. */
    static double[] cpuRatio(GlobalInterpreterLock.Mode mode, int k, long steps, int repeats) throws InterruptedException {
        double[] ratios = new double[repeats];
        double[] par = new double[repeats];
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.builder().mode(mode).build()) {
            for (int r = 0; r < repeats; r++) {
                double single = run(gil, 1, g -> countdown(g, steps))[0];
                double[] many = run(gil, k, g -> countdown(g, steps));
                ratios[r] = many[0] / single;
                par[r] = many[1] / many[0];
            }
        }
        return new double[]{median(ratios), median(par)};
    }

    /** Wall seconds of {@code k} threads each doing {@code waits} sleeps of {@code waitMs} under the GIL. */
    static double sleeps(int k, int waits, double waitMs) throws InterruptedException {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.create()) {
            return run(gil, k, g -> {
                for (int i = 0; i < waits; i++) {
                    g.sleep(Duration.ofNanos((long) (waitMs * 1e6)));
                }
            })[0];
        }
    }

    record Convoy(double tripsPerSecond, double p50Ms, GilStats stats) {
    }

    /**
     * convoy.py: an echo server and a client, both under the GIL, exchange one-byte messages over two OS pipes (recv
     * and send wrapped in {@code releasing}, as CPython's socket calls drop the GIL) while {@code cpuThreads} spin.
     */
    static Convoy convoy(Duration interval, int cpuThreads, double seconds) throws Exception {
        return convoy(interval, cpuThreads, seconds, Duration.ofNanos(2_000), Duration.ofNanos(1_000));
    }

    /**
     * As {@link #convoy(Duration, int, double)}, with synthetic interpreter work (with checkpoints) after every recv
     * ({@code work}) and after every send ({@code gap}), standing for the bytecode CPython runs between socket calls.
     * The work after a send matters: it is what lets the peer, woken by the kernel, find the lock still held and
     * queue behind the CPU threads, as in CPython. The defaults (2 us and 1 us) make an uncontended round trip cost
     * about what CPython's does on this machine.
     */
    static Convoy convoy(Duration interval, int cpuThreads, double seconds, Duration work, Duration gap)
            throws Exception {
        try (GlobalInterpreterLock gil = GlobalInterpreterLock.builder().switchInterval(interval).build()) {
            Pipe c2s = Pipe.open();
            Pipe s2c = Pipe.open();
            AtomicBoolean stop = new AtomicBoolean();
            Thread server = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocate(1);
                try (GilThread g = gil.attach()) {
                    while (!stop.get()) {
                        b.clear();
                        int n = g.releasing(() -> c2s.source().read(b));
                        if (n < 0) {
                            return;
                        }
                        b.flip();
                        g.cpu(work, Duration.ofNanos(500));
                        g.releasing(() -> s2c.sink().write(b));
                        g.cpu(gap, Duration.ofNanos(500));
                    }
                } catch (Exception e) {
                    if (!stop.get()) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "echo-server");
            server.setDaemon(true);
            server.start();
            List<Thread> spinners = new ArrayList<>();
            for (int i = 0; i < cpuThreads; i++) {
                Thread t = new Thread(() -> {
                    try (GilThread g = gil.attach()) {
                        long x = 1;
                        while (!stop.get()) {
                            for (int j = 0; j < 1024; j++) {
                                x = x * 6364136223846793005L + 1442695040888963407L;
                            }
                            g.checkpoint();
                        }
                        sink = x;
                    }
                }, "spin-" + i);
                t.setDaemon(true);
                spinners.add(t);
                t.start();
            }
            double[] lat = new double[4_000_000];
            int n = 0;
            GilStats stats;
            try (GilThread g = gil.attach()) {
                g.sleep(Duration.ofMillis(50));
                ByteBuffer out = ByteBuffer.allocate(1);
                ByteBuffer in = ByteBuffer.allocate(1);
                long end = System.nanoTime() + (long) (seconds * 1e9);
                while (true) {
                    long t = System.nanoTime();
                    if (t >= end || n == lat.length) {
                        break;
                    }
                    out.clear();
                    out.put((byte) 'x').flip();
                    g.releasing(() -> c2s.sink().write(out));
                    g.cpu(gap, Duration.ofNanos(500));
                    in.clear();
                    g.releasing(() -> s2c.source().read(in));
                    lat[n++] = (System.nanoTime() - t) / 1e6;
                    g.cpu(work, Duration.ofNanos(500));
                }
                stop.set(true);
                stats = gil.stats();
            } // detach before joining: joining while holding the GIL would deadlock, as in CPython
            c2s.sink().close();
            s2c.sink().close();
            for (Thread t : spinners) {
                t.join();
            }
            server.join(5_000);
            c2s.source().close();
            s2c.source().close();
            double[] l = Arrays.copyOf(lat, n);
            Arrays.sort(l);
            return new Convoy(n / seconds, n == 0 ? 0 : l[n / 2], stats);
        }
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
