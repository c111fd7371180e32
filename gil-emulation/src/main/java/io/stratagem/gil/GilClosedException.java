package io.stratagem.gil;

/**
 * Thrown to a thread that tries to take a {@link GlobalInterpreterLock} after it was closed, or that was waiting for
 * it when it was closed. CPython parks such threads forever at finalization; the emulation fails fast instead.
 */
public final class GilClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public GilClosedException(String lockName) {
        super("the GIL '" + lockName + "' is closed: no thread can take it any more");
    }
}
