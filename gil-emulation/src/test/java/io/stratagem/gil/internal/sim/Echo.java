package io.stratagem.gil.internal.sim;

import io.stratagem.gil.GilStats;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The convoy.py scenario in the simulator: an echo server and a client, both under the GIL, exchanging one-byte
 * messages over two pipes, with k CPU-bound threads spinning; returns round trips per virtual second.
 */
final class Echo {
    record Result(double tripsPerSecond, GilStats stats) {
    }

    static Result run(Simulation.Builder b, int cpuThreads, long seconds) {
        Simulation sim = b.build();
        SimPipe c2s = sim.pipe(5_000);
        SimPipe s2c = sim.pipe(5_000);
        long end = seconds * 1_000_000_000L;
        AtomicLong trips = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        sim.thread("server", g -> {
            while (true) {
                call(g, c2s::recv);
                if (stop.get()) {
                    return;
                }
                g.cpu(Duration.ofNanos(2_000));
                call(g, s2c::send);
            }
        });
        sim.thread("client", g -> {
            while (sim.now() < end) {
                call(g, c2s::send);
                call(g, s2c::recv);
                trips.incrementAndGet();
                g.cpu(Duration.ofNanos(2_000));
            }
            stop.set(true);
            call(g, c2s::send);
        });
        for (int i = 0; i < cpuThreads; i++) {
            sim.thread("spin" + i, g -> {
                while (sim.now() < end) {
                    g.cpu(Duration.ofNanos(1_000));
                }
            });
        }
        GilStats s = sim.run();
        return new Result(trips.get() / (double) seconds, s);
    }

    static void call(io.stratagem.gil.GilThread g, Runnable r) {
        try {
            g.releasing(() -> {
                r.run();
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
