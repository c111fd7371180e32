package io.stratagem;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * What a task declares about itself: how much CPU it burns, how long it waits, how much data crosses to and from it,
 * and whether it must be isolated from (or share state with) the caller's heap. The classifier reasons from it.
 *
 * <p>Immutable and validated: durations lie in [0, {@value #MAX_HOURS} h], payloads in [0, {@link #MAX_PAYLOAD_BYTES}]
 * bytes, and a task cannot both need isolation and share the caller's in-memory state.
 *
 * @param cpuTime       CPU time one execution burns
 * @param waitTime      time one execution spends waiting (I/O, sleeps, locks) without using a CPU
 * @param inputBytes    size of the task and its arguments once serialized
 * @param outputBytes   size of its result once serialized
 * @param needsIsolation the task must not run in the caller's heap (native code that may crash, leaky libraries)
 * @param sharesState   the task reads or writes in-memory state of the caller, so it cannot run in another process
 */
public record Profile(Duration cpuTime, Duration waitTime, long inputBytes, long outputBytes,
                      boolean needsIsolation, boolean sharesState) implements Serializable {

    /** Longest CPU or wait time a profile accepts, in hours. */
    public static final int MAX_HOURS = 24;
    /** Largest payload a profile accepts: 16 GiB. */
    public static final long MAX_PAYLOAD_BYTES = 16L << 30;

    private static final Duration MAX_DURATION = Duration.ofHours(MAX_HOURS);

    public Profile {
        checkDuration("cpuTime", cpuTime);
        checkDuration("waitTime", waitTime);
        checkBytes("inputBytes", inputBytes);
        checkBytes("outputBytes", outputBytes);
        if (needsIsolation && sharesState) {
            throw new IllegalArgumentException(
                    "a task cannot both need isolation from the caller's heap and share state with it");
        }
    }

    /** A CPU-bound task: {@code cpu} of computation, no waiting, small payloads. */
    public static Profile cpu(Duration cpu) {
        return new Profile(cpu, Duration.ZERO, 0, 0, false, false);
    }

    /** An I/O-bound task: {@code wait} spent waiting, negligible CPU. */
    public static Profile io(Duration wait) {
        return new Profile(Duration.ZERO, wait, 0, 0, false, false);
    }

    /** A task that computes for {@code cpu} and waits for {@code wait}. */
    public static Profile mixed(Duration cpu, Duration wait) {
        return new Profile(cpu, wait, 0, 0, false, false);
    }

    /** This profile with the given serialized input and output sizes. */
    public Profile withPayload(long inputBytes, long outputBytes) {
        return new Profile(cpuTime, waitTime, inputBytes, outputBytes, needsIsolation, sharesState);
    }

    /** This profile, marked as needing isolation from the caller's heap. */
    public Profile isolated() {
        return new Profile(cpuTime, waitTime, inputBytes, outputBytes, true, sharesState);
    }

    /** This profile, marked as sharing in-memory state with the caller. */
    public Profile sharingState() {
        return new Profile(cpuTime, waitTime, inputBytes, outputBytes, needsIsolation, true);
    }

    /** Share of the task's time spent on CPU, in [0, 1]; 0 for an empty profile. */
    public double cpuShare() {
        long cpu = cpuTime.toNanos();
        long total = cpu + waitTime.toNanos();
        return total == 0 ? 0.0 : (double) cpu / total;
    }

    private static void checkDuration(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(field + " must be between 0 and " + MAX_HOURS + " h, was " + d);
        }
    }

    private static void checkBytes(String field, long bytes) {
        if (bytes < 0 || bytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(
                    field + " must be between 0 and " + MAX_PAYLOAD_BYTES + " (16 GiB), was " + bytes);
        }
    }
}
