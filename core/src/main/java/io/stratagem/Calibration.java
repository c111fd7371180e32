package io.stratagem;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The measured costs of this machine that the {@link Classifier}'s cost model uses. Immutable and thread-safe.
 *
 * <p>Every constant has a name (the key used by {@link #asMap()}, {@link #with(Map)} and by
 * {@link io.stratagem.spi.CalibrationProbe}s) whose suffix is its unit. The defaults ({@link #defaults()}) are
 * typical values for a 2-core Linux machine running JDK 21+, measured while building Stratagem; they are used when
 * nothing was measured.
 *
 * <table class="striped">
 *   <caption>Cost constants</caption>
 *   <tr><th>name</th><th>default</th><th>what it is</th></tr>
 *   <tr><td>{@code threadStartNanos}</td><td>60 µs</td><td>starting and ending one platform thread (a thread pool
 *       starts its threads when it is created)</td></tr>
 *   <tr><td>{@code threadRunStartNanos}</td><td>2 ms</td><td>the fixed cost of one run on a new thread pool: creating
 *       it, starting its threads, the first submission waking them and the first task's cold path (median of a few
 *       fresh pools each running one empty task)</td></tr>
 *   <tr><td>{@code threadHandoffNanos}</td><td>30 µs</td><td>handing one task to a pool thread and its result
 *       back (submit to completion of an empty task, amortised over a batch)</td></tr>
 *   <tr><td>{@code gilSwitchNanos}</td><td>100 µs</td><td>one hand-over of the emulated GIL between two CPU-bound
 *       threads (the cost of a convoy step, on top of the switch interval)</td></tr>
 *   <tr><td>{@code gilWaiterSwitchNanos}</td><td>2 µs</td><td>what each further waiting thread adds to one GIL
 *       hand-over (every waiter's timed wait wakes once per interval and competes for the lock's mutex and the
 *       cores); measured from one hand-over's cost with as many CPU-bound threads as a pool has against two</td></tr>
 *   <tr><td>{@code gilSwitchIntervalNanos}</td><td>5 ms</td><td>how long a thread keeps the GIL before it must
 *       offer it ({@code sys.getswitchinterval()})</td></tr>
 *   <tr><td>{@code virtualThreadStartNanos}</td><td>5 µs</td><td>starting and ending one virtual thread; with
 *       {@code threadHandoffNanos}, the async backend's per-task costs when its own probe is not installed</td></tr>
 *   <tr><td>{@code asyncLoopTaskNanos}</td><td>5 µs</td><td>the whole per-task cost of the async backend in
 *       {@code LOOP} mode ({@code PYTHON}): its virtual thread, its turns on the one loop, its completion; wall time
 *       per task of a batch of empty tasks submitted together (median of a few warmed-up rounds)</td></tr>
 *   <tr><td>{@code asyncParallelTaskNanos}</td><td>3 µs</td><td>the same in {@code PARALLEL} mode ({@code JVM}):
 *       wall time per task of such a batch, so the carriers' parallelism and the submitting thread are already in
 *       it</td></tr>
 *   <tr><td>{@code loopHandoffNanos}</td><td>100 µs</td><td>handing the event loop ({@code LOOP} mode) from one
 *       task that computes to the next one queued for it</td></tr>
 *   <tr><td>{@code loopResumeNanos}</td><td>5 µs</td><td>a task taking the event loop back after a wait
 *       ({@code LOOP} mode), when many wake together and queue for the loop: timer, wake-up and hand-over</td></tr>
 *   <tr><td>{@code asyncRunStartNanos}</td><td>500 µs</td><td>the fixed cost of one run on a new async strategy:
 *       creating it (the loop in {@code LOOP} mode), waking the carrier threads and the first task's cold path (median
 *       of a few fresh strategies each running one empty task)</td></tr>
 *   <tr><td>{@code workerStartNanos}</td><td>400 ms</td><td>starting one worker JVM until it accepts tasks</td></tr>
 *   <tr><td>{@code pipeRoundTripNanos}</td><td>300 µs</td><td>sending an empty task to a warm worker and reading
 *       its result back</td></tr>
 *   <tr><td>{@code pipeBytesPerSecond}</td><td>200 MB/s</td><td>payload bandwidth of the pipe to a worker,
 *       serialization on both sides included</td></tr>
 *   <tr><td>{@code serializationBytesPerSecond}</td><td>500 MB/s</td><td>Java serialization of a byte array and back,
 *       in the caller's JVM (payload bytes per second of the round trip)</td></tr>
 * </table>
 *
 * @param threadStartNanos            see the table
 * @param threadRunStartNanos         see the table
 * @param threadHandoffNanos          see the table
 * @param gilSwitchNanos              see the table
 * @param gilSwitchIntervalNanos      see the table
 * @param gilWaiterSwitchNanos        see the table
 * @param virtualThreadStartNanos     see the table
 * @param asyncLoopTaskNanos          see the table
 * @param asyncParallelTaskNanos      see the table
 * @param loopHandoffNanos            see the table
 * @param loopResumeNanos             see the table
 * @param asyncRunStartNanos          see the table
 * @param workerStartNanos            see the table
 * @param pipeRoundTripNanos          see the table
 * @param pipeBytesPerSecond          see the table
 * @param serializationBytesPerSecond see the table
 * @param measured                    whether any constant was measured on this machine (false: all defaults)
 */
public record Calibration(double threadStartNanos, double threadRunStartNanos, double threadHandoffNanos,
                          double gilSwitchNanos, double gilSwitchIntervalNanos, double gilWaiterSwitchNanos,
                          double virtualThreadStartNanos, double asyncLoopTaskNanos,
                          double asyncParallelTaskNanos, double loopHandoffNanos,
                          double loopResumeNanos, double asyncRunStartNanos, double workerStartNanos,
                          double pipeRoundTripNanos, double pipeBytesPerSecond, double serializationBytesPerSecond,
                          boolean measured) {

    /** Largest accepted duration constant: one minute, in nanoseconds. */
    public static final double MAX_NANOS = 60e9;
    /** Accepted bandwidths: from 1 KB/s to 1 TB/s. */
    public static final double MIN_BYTES_PER_SECOND = 1e3;
    /** Largest accepted bandwidth, bytes per second. */
    public static final double MAX_BYTES_PER_SECOND = 1e12;

    private static final Calibration DEFAULTS = new Calibration(60_000, 2_000_000, 30_000, 100_000, 5_000_000,
            2_000, 5_000, 5_000, 3_000, 100_000, 5_000, 500_000, 400_000_000, 300_000, 200e6, 500e6, false);

    public Calibration {
        checkNanos("threadStartNanos", threadStartNanos);
        checkNanos("threadRunStartNanos", threadRunStartNanos);
        checkNanos("threadHandoffNanos", threadHandoffNanos);
        checkNanos("gilSwitchNanos", gilSwitchNanos);
        checkNanos("gilSwitchIntervalNanos", gilSwitchIntervalNanos);
        if (gilSwitchIntervalNanos < 1_000) {
            throw new IllegalArgumentException(
                    "gilSwitchIntervalNanos must be at least 1000 (1 µs), was " + gilSwitchIntervalNanos);
        }
        checkNanos("gilWaiterSwitchNanos", gilWaiterSwitchNanos);
        checkNanos("virtualThreadStartNanos", virtualThreadStartNanos);
        checkNanos("asyncLoopTaskNanos", asyncLoopTaskNanos);
        checkNanos("asyncParallelTaskNanos", asyncParallelTaskNanos);
        checkNanos("loopHandoffNanos", loopHandoffNanos);
        checkNanos("loopResumeNanos", loopResumeNanos);
        checkNanos("asyncRunStartNanos", asyncRunStartNanos);
        checkNanos("workerStartNanos", workerStartNanos);
        checkNanos("pipeRoundTripNanos", pipeRoundTripNanos);
        checkRate("pipeBytesPerSecond", pipeBytesPerSecond);
        checkRate("serializationBytesPerSecond", serializationBytesPerSecond);
    }

    /** The documented defaults (see the table above); {@link #measured()} is false. */
    public static Calibration defaults() {
        return DEFAULTS;
    }

    /** The constants by name, in declaration order; {@code measured} is left out. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("threadStartNanos", threadStartNanos);
        m.put("threadRunStartNanos", threadRunStartNanos);
        m.put("threadHandoffNanos", threadHandoffNanos);
        m.put("gilSwitchNanos", gilSwitchNanos);
        m.put("gilSwitchIntervalNanos", gilSwitchIntervalNanos);
        m.put("gilWaiterSwitchNanos", gilWaiterSwitchNanos);
        m.put("virtualThreadStartNanos", virtualThreadStartNanos);
        m.put("asyncLoopTaskNanos", asyncLoopTaskNanos);
        m.put("asyncParallelTaskNanos", asyncParallelTaskNanos);
        m.put("loopHandoffNanos", loopHandoffNanos);
        m.put("loopResumeNanos", loopResumeNanos);
        m.put("asyncRunStartNanos", asyncRunStartNanos);
        m.put("workerStartNanos", workerStartNanos);
        m.put("pipeRoundTripNanos", pipeRoundTripNanos);
        m.put("pipeBytesPerSecond", pipeBytesPerSecond);
        m.put("serializationBytesPerSecond", serializationBytesPerSecond);
        return m;
    }

    /**
     * This calibration with some constants replaced by measured values, marked {@link #measured()} if
     * {@code values} is not empty.
     *
     * @throws IllegalArgumentException naming the key if a key is unknown or a value is out of range
     */
    public Calibration with(Map<String, Double> values) {
        Objects.requireNonNull(values, "values");
        Map<String, Double> m = asMap();
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (!m.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown calibration constant '" + e.getKey() + "'; known: "
                        + m.keySet());
            }
            m.put(e.getKey(), Objects.requireNonNull(e.getValue(), e.getKey()));
        }
        return new Calibration(m.get("threadStartNanos"), m.get("threadRunStartNanos"), m.get("threadHandoffNanos"),
                m.get("gilSwitchNanos"), m.get("gilSwitchIntervalNanos"), m.get("gilWaiterSwitchNanos"),
                m.get("virtualThreadStartNanos"), m.get("asyncLoopTaskNanos"), m.get("asyncParallelTaskNanos"),
                m.get("loopHandoffNanos"),
                m.get("loopResumeNanos"), m.get("asyncRunStartNanos"), m.get("workerStartNanos"),
                m.get("pipeRoundTripNanos"), m.get("pipeBytesPerSecond"), m.get("serializationBytesPerSecond"),
                measured || !values.isEmpty());
    }

    private static void checkNanos(String field, double v) {
        if (!(v >= 0 && v <= MAX_NANOS)) {
            throw new IllegalArgumentException(field + " must be between 0 and " + MAX_NANOS + " ns, was " + v);
        }
    }

    private static void checkRate(String field, double v) {
        if (!(v >= MIN_BYTES_PER_SECOND && v <= MAX_BYTES_PER_SECOND)) {
            throw new IllegalArgumentException(field + " must be between " + MIN_BYTES_PER_SECOND + " and "
                    + MAX_BYTES_PER_SECOND + " bytes/s, was " + v);
        }
    }
}
