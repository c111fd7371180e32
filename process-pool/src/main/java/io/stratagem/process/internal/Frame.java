package io.stratagem.process.internal;

import java.util.Objects;

/**
 * One protocol message: a type, the request (task) id it concerns (0 for none) and an opaque payload.
 *
 * <p>On the wire: {@code int length | byte type | long id | payload}, where {@code length = 9 + payload.length}
 * counts everything after itself, big-endian. See {@link WorkerProtocol} for the types and the conversation.
 */
public record Frame(byte type, long id, byte[] payload) {

    /** Bytes of a frame after its length field, without payload: type + id. */
    public static final int HEADER_AFTER_LENGTH = 9;

    private static final byte[] EMPTY = new byte[0];

    public Frame {
        Objects.requireNonNull(payload, "payload");
    }

    public static Frame of(byte type, long id) {
        return new Frame(type, id, EMPTY);
    }

    @Override
    public String toString() {
        return "Frame[" + WorkerProtocol.typeName(type) + " id=" + id + " " + payload.length + " bytes]";
    }
}
