package io.stratagem.gil.internal;

/**
 * Observes the policy's transitions, under its mutex, for invariant checks in tests and the simulator. Production
 * locks have none; every call site checks for null on a slow path only.
 */
public interface Probe {
    /** {@code a} took the lock at {@code now}; {@code switched} if it differs from the previous holder. */
    default void onTake(Attachment a, long now, boolean switched, long switchNumber) {
    }

    /** {@code a} dropped the lock at {@code now} for {@code cause}. */
    default void onDrop(Attachment a, GilCore.Cause cause, long now) {
    }

    /** {@code requester}, waiting since {@code waitBegan} (switch number then unchanged), asked {@code target} to drop. */
    default void onRequest(Attachment requester, Attachment target, long waitBegan, long now) {
    }

    /** A bounded handoff wait of {@code a} expired. */
    default void onHandoffTimeout(Attachment a) {
    }

    /** A thread began blocking in a GIL operation (take wait or handoff wait). */
    default void onBlock(Attachment a) {
    }
}
