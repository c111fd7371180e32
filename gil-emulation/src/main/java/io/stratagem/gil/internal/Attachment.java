package io.stratagem.gil.internal;

import io.stratagem.gil.GilThread;
import io.stratagem.gil.GlobalInterpreterLock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/** Cache-line padding before the signal word, so waiters writing it do not disturb neighbouring objects. */
abstract class AttachmentPadBefore {
    long p01, p02, p03, p04, p05, p06, p07;
}

/** The signal word polled by {@link Attachment#checkpoint()}. */
abstract class AttachmentSignal extends AttachmentPadBefore {
    /**
     * Zero while the thread holds the lock and nobody asked for it: the checkpoint's fast path. Bits:
     * {@link Attachment#REQUEST} (set by a waiter under the GIL mutex; a volatile write so the holder's next
     * checkpoint sees it, never hoisted out of its loop), {@link Attachment#NOT_HOLDING} (owner: detached or
     * releasing), {@link Attachment#LEGACY} (always set in legacy mode so every checkpoint counts a tick).
     */
    volatile int signal;
}

/** Padding after the signal word. */
abstract class AttachmentPadAfter extends AttachmentSignal {
    long q01, q02, q03, q04, q05, q06, q07;
}

/**
 * One platform thread's attachment to a {@link GilCore}: the {@link GilThread} handle. State and accounting fields
 * are written by the owner thread under the core's mutex (GIL modes) or by the owner alone (free-threaded mode).
 */
public final class Attachment extends AttachmentPadAfter implements GilThread {

    static final int REQUEST = 1;
    static final int NOT_HOLDING = 2;
    static final int LEGACY = 4;

    static final int DETACHED = 0;
    static final int WAITING = 1;
    static final int HOLDING = 2;
    static final int HANDOFF = 3;
    static final int RELEASED = 4;

    private static final VarHandle SIGNAL;

    static {
        try {
            SIGNAL = MethodHandles.lookup().findVarHandle(AttachmentSignal.class, "signal", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final GilCore core;
    final Thread thread;
    final String name;
    final ThreadRecord record;
    int state = DETACHED;
    long stateSince;
    boolean inReleasing;
    int ticks;
    long releasedAt;
    long requestSetAt;
    /** This thread's own condition of the GIL mutex for take waits, made on its first wait ({@link WaitQueue}). */
    Substrate.Cond waitCond;
    /** Until when this thread, in a take wait right after asking for a drop, is still on its way to sleep. */
    long awakeUntil;

    Attachment(GilCore core, Thread thread, ThreadRecord record, int initialSignal) {
        this.core = core;
        this.thread = thread;
        this.name = thread.getName();
        this.record = record;
        this.signal = initialSignal;
    }

    void setBits(int bits) {
        SIGNAL.getAndBitwiseOr(this, bits);
    }

    void clearBits(int bits) {
        SIGNAL.getAndBitwiseAnd(this, ~bits);
    }

    /** The thread's name, for probes and reports. */
    public String name() {
        return name;
    }

    @Override
    public void checkpoint() {
        int s = signal; // the one volatile read of the fast path
        if (s != 0) {
            core.checkpointSlow(this, s);
        }
    }

    @Override
    public <T> T releasing(Callable<T> call) throws Exception {
        Objects.requireNonNull(call, "call");
        return core.releasing(this, call);
    }

    @Override
    public void sleep(Duration d) {
        Objects.requireNonNull(d, "d");
        if (d.isNegative()) {
            throw new IllegalArgumentException("sleep duration must be >= 0, was " + d);
        }
        long nanos = saturatedNanos(d);
        try {
            core.releasing(this, () -> {
                core.substrate().park(nanos);
                return null;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // park throws nothing checked
        }
    }

    @Override
    public void uninterruptible(Duration d) {
        Objects.requireNonNull(d, "d");
        if (d.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0, was " + d);
        }
        core.checkHolding(this, "uninterruptible()");
        core.substrate().burn(saturatedNanos(d));
    }

    @Override
    public void cpu(Duration d, Duration checkpointEvery) {
        Objects.requireNonNull(d, "d");
        Objects.requireNonNull(checkpointEvery, "checkpointEvery");
        if (d.isNegative()) {
            throw new IllegalArgumentException("cpu duration must be >= 0, was " + d);
        }
        long every = saturatedNanos(checkpointEvery);
        if (every < 100 || every > 10_000_000) {
            throw new IllegalArgumentException("checkpointEvery must be in [100 ns, 10 ms], was " + checkpointEvery);
        }
        core.checkHolding(this, "cpu()");
        Substrate sub = core.substrate();
        for (long left = saturatedNanos(d); left > 0; left -= every) {
            sub.burn(Math.min(every, left));
            checkpoint();
        }
    }

    @Override
    public GlobalInterpreterLock lock() {
        return core.facade();
    }

    @Override
    public boolean isAttached() {
        return state != DETACHED;
    }

    @Override
    public void close() {
        core.detach(this);
    }

    @Override
    public String toString() {
        return "GilThread[" + name + ", " + switch (state) {
            case WAITING -> "waiting";
            case HOLDING -> "holding";
            case HANDOFF -> "handoff";
            case RELEASED -> "released";
            default -> "detached";
        } + "]";
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }
}
