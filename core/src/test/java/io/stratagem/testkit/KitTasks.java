package io.stratagem.testkit;

import io.stratagem.Task;
import io.stratagem.TaskFunction;

import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * The tasks of the contract kit, built in static methods so that each lambda captures only serializable values and
 * can run on the process pool as well as in-process.
 */
public final class KitTasks {
    private KitTasks() {
    }

    /** A checked exception a task throws; serializable like every exception. */
    public static final class KitException extends Exception {
        private static final long serialVersionUID = 1L;

        public KitException(String message) {
            super(message);
        }
    }

    public static Task<Integer> value(int v) {
        return ctx -> v;
    }

    public static Task<Integer> throwing(String message) {
        return ctx -> {
            throw new KitException(message);
        };
    }

    public static Task<Integer> throwingUnchecked(String message) {
        return ctx -> {
            throw new IllegalStateException(message);
        };
    }

    /** Marks {@code started-<id>}, waits at the gate, returns {@code v}. */
    public static Task<Integer> gated(Gate gate, String id, int v) {
        return ctx -> {
            gate.mark("started-" + id);
            gate.await(ctx);
            return v;
        };
    }

    /** Marks {@code ran-<id>} and returns {@code v}. */
    public static Task<Integer> marking(Gate gate, String id, int v) {
        return ctx -> {
            gate.mark("ran-" + id);
            return v;
        };
    }

    /** Spins on CPU with checkpoints until cancelled; marks {@code started-<id>} and {@code observed-<id>}. */
    public static Task<Integer> spinUntilCancelled(Gate gate, String id) {
        return ctx -> {
            gate.mark("started-" + id);
            long sink = 0;
            try {
                while (true) {
                    for (int i = 0; i < 10_000; i++) {
                        sink += i ^ (sink >>> 3);
                    }
                    ctx.checkpoint();
                    if (sink == 42) {
                        return -1; // practically unreachable; keeps the loop from being dead code
                    }
                }
            } catch (CancellationException e) {
                gate.mark("observed-" + id);
                throw e;
            }
        };
    }

    /** Sleeps for an hour through the context, marking {@code started-<id>} first. */
    public static Task<Integer> sleepLong(Gate gate, String id) {
        return ctx -> {
            gate.mark("started-" + id);
            ctx.sleep(Duration.ofHours(1));
            return 0;
        };
    }

    /** Sleeps {@code millis} through the context, marks {@code done-<id>}, returns {@code v}. */
    public static Task<Integer> sleepThenMark(Gate gate, String id, long millis, int v) {
        return ctx -> {
            ctx.sleep(Duration.ofMillis(millis));
            gate.mark("done-" + id);
            return v;
        };
    }

    /** Marks {@code ran-<id>} first, then sleeps {@code millis} through the context and returns {@code v}. */
    public static Task<Integer> markThenSleep(Gate gate, String id, long millis, int v) {
        return ctx -> {
            gate.mark("ran-" + id);
            ctx.sleep(Duration.ofMillis(millis));
            return v;
        };
    }

    /** Square after a short input-dependent sleep, so completion order differs from input order. */
    public static TaskFunction<Integer, Integer> scrambledSquare() {
        return (x, ctx) -> {
            ctx.sleep(Duration.ofMillis((x * 7L) % 5));
            return x * x;
        };
    }

    /** Square, failing for {@code failA} and {@code failB} at once, with a message naming the input. */
    public static TaskFunction<Integer, Integer> squareFailingAt(int failA, int failB) {
        return (x, ctx) -> {
            if (x == failA || x == failB) {
                throw new KitException("input " + x);
            }
            return x * x;
        };
    }

    /**
     * Square, failing for {@code late} after a 200 ms sleep and for {@code early} at once, each with a message naming
     * the input: the failure that arrives first is not the lowest one.
     */
    public static TaskFunction<Integer, Integer> squareFailingLateAndEarly(int late, int early) {
        return (x, ctx) -> {
            if (x == late) {
                ctx.sleep(Duration.ofMillis(200));
                throw new KitException("input " + x);
            }
            if (x == early) {
                throw new KitException("input " + x);
            }
            return x * x;
        };
    }

    /** Spins until the gate opens without ever calling the context: it ignores cancellation. */
    public static Task<Integer> ignoringCancellation(Gate gate, String id, int v) {
        return ctx -> {
            gate.mark("started-" + id);
            while (!gate.isOpen()) {
                Thread.onSpinWait();
            }
            gate.mark("finished-" + id);
            return v;
        };
    }

    /** Blocks in {@code ctx.blocking} on a latch nobody counts down: only an interrupt ends it. */
    public static Task<Integer> blockedUntilInterrupted(Gate gate, String id) {
        return ctx -> {
            gate.mark("started-" + id);
            return ctx.blocking(() -> {
                new java.util.concurrent.CountDownLatch(1).await();
                return 0;
            });
        };
    }

    /** Whether the thread running it carries an interrupt status when it starts. */
    public static Task<Boolean> interruptStatus() {
        return ctx -> Thread.currentThread().isInterrupted();
    }

    /** Throws an {@link Error}, as a failed assertion or an exhausted resource would. */
    public static Task<Integer> throwingError(String message) {
        return ctx -> {
            throw new AssertionError(message);
        };
    }
}
