package io.stratagem.gil.internal;

import io.stratagem.gil.GlobalInterpreterLock.Mode;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks invariants I1-I5 and I7 of the GIL model on every transition (called under the policy's mutex), collecting
 * violations instead of throwing so that a run finishes and reports them all.
 */
public final class InvariantProbe implements Probe {

    private final Mode mode;
    private final long intervalNanos;
    private final boolean forceSwitching;
    private final List<String> violations = new ArrayList<>();
    private Attachment holder;
    private Attachment lastTaker;
    private long switchNumber;
    private long lastSwitchAt = Long.MIN_VALUE;
    private Attachment forcedDropper;
    private boolean handoffTimedOut;
    private long takes;
    private long requests;

    public InvariantProbe(Mode mode, long intervalNanos, boolean forceSwitching) {
        this.mode = mode;
        this.forceSwitching = forceSwitching;
        this.intervalNanos = intervalNanos;
    }

    @Override
    public void onTake(Attachment a, long now, boolean switched, long sn) {
        takes++;
        if (holder != null) {
            violations.add("I1: " + a.name() + " took while " + holder.name() + " holds");
        }
        holder = a;
        if (switched != (a != lastTaker)) {
            violations.add("I2: switched=" + switched + " but taker " + a.name() + " vs last " + name(lastTaker));
        }
        if (sn != switchNumber + (switched ? 1 : 0)) {
            violations.add("I2: switch number " + sn + " after " + switchNumber + " (switched=" + switched + ")");
        }
        switchNumber = sn;
        if (switched) {
            lastSwitchAt = now;
        }
        if (forcedDropper != null && mode == Mode.GIL && forceSwitching) {
            if (a == forcedDropper && !handoffTimedOut) {
                violations.add("I4: " + a.name() + " re-took right after its forced drop");
            }
            forcedDropper = null;
        }
        lastTaker = a;
    }

    @Override
    public void onDrop(Attachment a, GilCore.Cause cause, long now) {
        if (holder != a) {
            violations.add("I1: " + a.name() + " dropped while the holder is " + name(holder));
        }
        holder = null;
        if (cause == GilCore.Cause.FORCED) {
            forcedDropper = a;
            handoffTimedOut = false;
        }
    }

    @Override
    public void onRequest(Attachment requester, Attachment target, long waitBegan, long now) {
        requests++;
        if (now - waitBegan < intervalNanos) {
            violations.add("I3: " + requester.name() + " asked after waiting only " + (now - waitBegan) + " ns");
        }
        if (lastSwitchAt > waitBegan) {
            violations.add("I3: a switch happened during " + requester.name() + "'s interval");
        }
        if (now - lastSwitchAt < intervalNanos) {
            violations.add("I5: request " + (now - lastSwitchAt) + " ns after the latest switch");
        }
        if (target != holder) {
            violations.add("request aimed at " + target.name() + " but the holder is " + name(holder));
        }
    }

    @Override
    public void onHandoffTimeout(Attachment a) {
        handoffTimedOut = true;
    }

    @Override
    public void onBlock(Attachment a) {
        if (mode == Mode.FREE_THREADED) {
            violations.add("I7: " + a.name() + " blocked in free-threaded mode");
        }
    }

    private static String name(Attachment a) {
        return a == null ? "nobody" : a.name();
    }

    /** Violations seen so far; read after the threads have finished (or joined). */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    public long takes() {
        return takes;
    }

    public long requests() {
        return requests;
    }
}
