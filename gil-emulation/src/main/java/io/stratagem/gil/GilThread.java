package io.stratagem.gil;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A platform thread's attachment to a {@link GlobalInterpreterLock}, the analogue of CPython's {@code PyThreadState}.
 * Obtained from {@link GlobalInterpreterLock#attach()}; while attached and not inside {@link #releasing}, the thread
 * holds the lock (in {@code GIL} and {@code LEGACY_TICKS} modes).
 *
 * <p><b>Confinement.</b> A handle belongs to the thread that attached; every method must be called from that thread.
 * Misuse (checkpoint or releasing while detached, nested releasing, attaching twice) throws
 * {@link IllegalStateException} at once, where CPython would abort with a fatal error.
 *
 * <p><b>Blocking and interrupts.</b> Taking the lock cannot be interrupted, as in CPython: an interrupt that arrives
 * while a thread waits for the lock is kept and set again on the thread once it holds the lock. If the lock is
 * {@linkplain GlobalInterpreterLock#close() closed} while a thread waits, the wait ends with
 * {@link GilClosedException} and the thread is detached.
 */
public interface GilThread extends AutoCloseable {

    /**
     * The eval-breaker check: if another thread has asked for the lock, drop it, wait until some other thread has
     * taken it, then take it again. Otherwise returns at once: one volatile read, no allocation, no clock. Call it
     * every few microseconds of CPU work; code that never calls it holds the lock until it releases or detaches
     * (like a long C call that does not release the GIL).
     *
     * @throws IllegalStateException if this thread is detached or inside {@link #releasing}
     */
    void checkpoint();

    /**
     * Runs {@code call} without the lock ({@code Py_BEGIN_ALLOW_THREADS ... Py_END_ALLOW_THREADS}): drops it (waiting
     * for a handoff first if a drop was requested), runs the call, and takes the lock again before returning or
     * throwing. Use it around blocking I/O, lock waits and native work that does not touch shared state.
     *
     * @return what the call returned
     * @throws Exception             what the call threw (the lock is held again)
     * @throws IllegalStateException if detached or already inside {@code releasing}
     */
    <T> T releasing(Callable<T> call) throws Exception;

    /**
     * {@code time.sleep(d)}: releases the lock, parks for {@code d}, takes it again. Drops and re-takes even for
     * zero, which is not a guaranteed yield (see the module documentation). Returns early if the thread is
     * interrupted, leaving the interrupt status set.
     *
     * @throws IllegalArgumentException if {@code d} is negative
     */
    void sleep(Duration d);

    /** Spends {@code d} of CPU time holding the lock without any checkpoint: a long C call that does not release. */
    void uninterruptible(Duration d);

    /**
     * Synthetic CPU-bound "bytecode": spends {@code d} of CPU time, calling {@link #checkpoint()} after every
     * {@code checkpointEvery} of work. Time spent waiting for the lock does not count as work.
     *
     * @throws IllegalArgumentException if {@code d} is negative or {@code checkpointEvery} is outside [100 ns, 10 ms]
     */
    void cpu(Duration d, Duration checkpointEvery);

    /** {@link #cpu(Duration, Duration)} with a checkpoint every microsecond of work. */
    default void cpu(Duration d) {
        cpu(d, Duration.ofNanos(1_000));
    }

    /** The lock this handle is attached to. */
    GlobalInterpreterLock lock();

    /** Whether this handle is still attached. */
    boolean isAttached();

    /**
     * Detaches: releases the lock for good (a final drop, with no handoff wait). Idempotent.
     *
     * @throws IllegalStateException if called inside {@link #releasing}
     */
    @Override
    void close();
}
