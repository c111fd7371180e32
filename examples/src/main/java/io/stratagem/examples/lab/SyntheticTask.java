package io.stratagem.examples.lab;

import io.stratagem.Profile;
import io.stratagem.Task;
import io.stratagem.TaskContext;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;

/**
 * One task of a lab workload: half its CPU work, its wait, the other half of its CPU work (a request that computes,
 * calls out, then computes again). It captures {@code input} so that the bytes cross the pipe on the process pool,
 * and returns an {@link Outcome} with {@code outputBytes} bytes and where it ran.
 *
 * @param kind        the task kind's name (the task's {@link #name()})
 * @param iterations  CPU work in {@link CpuBurn} iterations
 * @param waitTime    how long it waits, with {@link TaskContext#sleep(Duration)}
 * @param input       the captured payload
 * @param outputBytes the size of the returned payload
 * @param declared    the profile it declares to the classifier
 */
public record SyntheticTask(String kind, long iterations, Duration waitTime, byte[] input, int outputBytes,
                            Profile declared) implements Task<SyntheticTask.Outcome> {

    /** A task of {@code kind}, its CPU time converted at {@code iterationsPerMilli}. */
    public static SyntheticTask of(TaskKind kind, double iterationsPerMilli, int index) {
        byte[] input = new byte[(int) kind.inputBytes()];
        if (input.length > 0) {
            input[0] = (byte) index;
        }
        return new SyntheticTask(kind.name(), CpuBurn.iterationsFor(kind.cpuTime(), iterationsPerMilli),
                kind.waitTime(), input, (int) kind.outputBytes(), kind.profile());
    }

    @Override
    public Outcome run(TaskContext ctx) {
        long first = iterations / 2;
        long x = CpuBurn.burn(first, input.length == 0 ? 7 : input[0] + 7L, ctx);
        if (!waitTime.isZero()) {
            ctx.sleep(waitTime);
        }
        x ^= CpuBurn.burn(iterations - first, x, ctx);
        byte[] output = new byte[outputBytes];
        if (outputBytes > 0) {
            output[0] = (byte) x;
        }
        return new Outcome(kind, output, where(), ProcessHandle.current().pid(), x);
    }

    @Override
    public String name() {
        return kind;
    }

    @Override
    public Optional<Profile> profile() {
        return Optional.of(declared);
    }

    /**
     * The OS thread running the caller: a platform thread's name, or a virtual thread's carrier (so that "how many
     * threads did the work" counts the threads the OS schedules).
     */
    static String where() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            String s = t.toString(); // VirtualThread[#31]/runnable@ForkJoinPool-1-worker-2
            int at = s.lastIndexOf('@');
            return at >= 0 ? s.substring(at + 1) : "virtual";
        }
        return t.getName();
    }

    /**
     * What a task returns.
     *
     * @param kind     its kind
     * @param payload  its output bytes
     * @param thread   the OS thread it finished on
     * @param pid      the process it ran in
     * @param checksum the CPU work's result
     */
    public record Outcome(String kind, byte[] payload, String thread, long pid, long checksum)
            implements Serializable {
    }
}
