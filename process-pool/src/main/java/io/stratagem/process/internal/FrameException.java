package io.stratagem.process.internal;

import java.io.IOException;

/** A frame on a worker pipe that breaks the protocol: bad length, unknown type, truncated, wrong handshake. */
public final class FrameException extends IOException {
    private static final long serialVersionUID = 1L;

    public FrameException(String message) {
        super(message);
    }
}
