package io.stratagem.gil.internal;

/**
 * What the GIL policy ({@link GilCore}) needs from the world: a clock, one mutex with conditions, and ways to spend
 * time. {@link RealSubstrate} maps it onto {@code ReentrantLock}, glibc-like conditions ({@link FutexCond}) and
 * {@code System.nanoTime}; the simulator ({@code sim.SimSubstrate}) onto a virtual clock and scripted threads, so the
 * same policy code runs in both and tests can assert exact numbers.
 */
public interface Substrate {

    /** Monotonic time in nanoseconds. */
    long nanoTime();

    /** A new mutex. */
    Mutex newMutex();

    /** Parks the calling thread for {@code nanos} without holding any mutex (a blocking call, a sleep). */
    void park(long nanos);

    /** Spends {@code nanos} of CPU time on the calling thread without polling anything (synthetic work). */
    void burn(long nanos);

    /**
     * Which of {@code n} sleeping waiters a signal wakes, 0 being the one that has slept longest (the futex queue's
     * order, the default). The simulator may randomise it.
     */
    default int chooseSleeper(int n) {
        return 0;
    }

    /**
     * How long a thread that has just asked for a drop and re-entered its take wait is still running on its way to
     * sleep (unlocking the mutex, then the kernel's futex wait or the JVM's park): a signal sent within it finds the
     * waiter awake. See {@code WaitQueue}.
     */
    long awakeWindowNanos();

    /** Whether real platform threads run on this substrate (the GC monitor and the watchdog only make sense then). */
    boolean isReal();

    /** A non-reentrant mutual-exclusion lock. */
    interface Mutex {
        void lock();

        void unlock();

        /**
         * Whether the calling thread, which holds this mutex, had to sleep to get it (rather than taking it at once or
         * while still on its way to sleep). A thread that slept lets every other thread's way to sleep finish meanwhile.
         */
        default boolean ownerSlept() {
            return false;
        }

        Cond newCond();
    }

    /** A condition of a {@link Mutex}; waiters are woken in an order the substrate chooses. */
    interface Cond {
        /**
         * Waits (with the mutex held, which is released meanwhile) until signalled or {@code nanos} elapse.
         * Uninterruptible: an interrupt wakes the waiter (as a non-timeout wake-up) and is recorded in the thread's
         * interrupt status again by the caller through {@link Substrate.Cond#takeInterrupt()}.
         *
         * @return the time left, {@code <= 0} if the wait timed out
         */
        long awaitNanos(long nanos);

        void signal();

        /**
         * Signals a waiter known to be still running (it has not gone to sleep yet), so it needs no wake-up: the
         * simulator resumes it without its wake latency; real threads signal as usual.
         */
        default void signalRunning() {
            signal();
        }

        void signalAll();

        /** Whether the calling thread was interrupted during a wait on any condition since the last call; clears it. */
        default boolean takeInterrupt() {
            return false;
        }
    }
}
