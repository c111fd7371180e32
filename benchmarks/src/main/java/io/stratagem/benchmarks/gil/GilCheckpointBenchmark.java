package io.stratagem.benchmarks.gil;

import io.stratagem.gil.GilThread;
import io.stratagem.gil.GlobalInterpreterLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The GIL's hot paths on an uncontended lock: {@code checkpoint()} (one volatile read), against a plain volatile read
 * as baseline, and one {@code releasing()} round trip (drop and re-take). Run with
 * {@code java -cp <classpath> org.openjdk.jmh.Main GilCheckpointBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GilCheckpointBenchmark {

    private GlobalInterpreterLock gil;
    private GilThread g;
    private volatile int flag;

    @Setup(Level.Trial)
    public void attach() {
        gil = GlobalInterpreterLock.create();
        g = gil.attach(); // Scope.Thread: set up on the benchmark thread itself
    }

    @TearDown(Level.Trial)
    public void detach() {
        g.close();
        gil.close();
    }

    @Benchmark
    public int baselineVolatileRead() {
        return flag;
    }

    @Benchmark
    public void checkpointUncontended() {
        g.checkpoint();
    }

    @Benchmark
    public Object releasingRoundTrip() throws Exception {
        return g.releasing(() -> this);
    }
}
