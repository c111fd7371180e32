package io.stratagem.internal.classify;

/**
 * How {@code threads} pool threads share one GIL while each runs tasks of CPU {@code c} and wait {@code w} in a loop:
 * the contention the cost model adds on top of the serial CPU.
 *
 * <h2>Model</h2>
 * A closed queueing network of the pool's threads, solved exactly by mean value analysis (MVA). Each thread
 * alternates between
 * <ul>
 *   <li>the GIL, a single server of demand {@code D} per task: its CPU, its hand-off, and its GIL hand-overs
 *       (two around each wait, one per switch interval of CPU while others wait), each hand-over costing
 *       {@code gilSwitchNanos} plus {@code gilWaiterSwitchNanos} for every other thread queued for the lock; and</li>
 *   <li>its wait, where threads do not interfere (an infinite server of time {@code w}).</li>
 * </ul>
 * The GIL is treated as processor sharing: a thread that wants it waits behind those already queued, which take
 * turns of one switch interval (gil-model rules 3–6: a waiter asks after one interval, the holder hands over, no
 * fairness). MVA's arrival theorem then gives the time a task spends at the GIL when {@code m} threads circulate,
 * {@code R(m) = D·(1 + Q(m−1))}: its own demand plus the queue it finds, and so the convoy cost grows with the
 * number of threads competing. The throughput is {@code X(m) = m / (R(m) + w)} and the queue
 * {@code Q(m) = X(m)·R(m)}. With no waits this is the serial sum {@code n·D}; with long waits and few threads it
 * is the waits overlapped by the pool; in between the lock sits idle while every thread waits, and a thread that
 * has waited finds others queued ahead, which a max of the two bounds misses. Stateless; every quantity is
 * non-decreasing in {@code c} and {@code w}.
 *
 * @param demand      {@code D}, nanoseconds of GIL time per task, hand-overs included, with all threads running
 * @param residence   {@code R}, nanoseconds a task spends queued for and holding the GIL
 * @param queue       {@code Q}, mean threads queued for or holding the GIL
 * @param cycle       nanoseconds per task per thread: {@code R + w}
 */
record GilQueue(double demand, double residence, double queue, double cycle) {

    /**
     * Solves the network for {@code threads} threads (at least one).
     *
     * @param c                 CPU per task, ns
     * @param w                 wait per task, ns
     * @param fixed             GIL time per task that is not a hand-over (the pool's hand-off), ns
     * @param switchesPerTask   GIL hand-overs per task when contended
     * @param switchNanos       one hand-over between two threads, ns
     * @param waiterSwitchNanos what each further queued thread adds to a hand-over, ns
     */
    static GilQueue solve(int threads, double c, double w, double fixed, double switchesPerTask, double switchNanos,
                          double waiterSwitchNanos) {
        double q = 0;
        double d = c + fixed + switchesPerTask * switchNanos;
        double r = d;
        for (int m = 1; m <= threads; m++) {
            // the others queued when this task arrives each make its hand-overs dearer
            d = c + fixed + switchesPerTask * (switchNanos + q * waiterSwitchNanos);
            r = d * (1 + q);
            q = r + w > 0 ? m * r / (r + w) : 0;
        }
        return new GilQueue(d, r, q, r + w);
    }

    /**
     * Nanoseconds for {@code n} tasks on {@code threads} threads in steady state: {@code n / X}, and never less than
     * the serial {@code n·D} (hand-overs made dearer by the queue can push MVA's throughput past the lock's).
     */
    double makespan(int n, int threads) {
        return Math.max(n * cycle / threads, n * demand);
    }

    /** The GIL's busy share in steady state, in [0, 1]. */
    double utilization(int threads) {
        return cycle > 0 ? Math.min(1, threads * demand / cycle) : 0;
    }
}
