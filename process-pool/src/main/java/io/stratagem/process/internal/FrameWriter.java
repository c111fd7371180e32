package io.stratagem.process.internal;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes frames onto a buffered stream; {@link #flush()} pushes them to the pipe. Callers batch: write several
 * frames, flush once. Not thread-safe: callers hold their own write lock.
 */
public final class FrameWriter {
    private final DataOutputStream out;
    private final int maxFrameBytes;

    public FrameWriter(OutputStream out, int maxFrameBytes) {
        this.out = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Writes one frame (buffered). */
    public void write(Frame f) throws IOException {
        write(f.type(), f.id(), f.payload());
    }

    /**
     * Writes one frame (buffered).
     *
     * @throws FrameException if it would exceed the maximum frame size (nothing is written then)
     */
    public void write(byte type, long id, byte[] payload) throws IOException {
        long length = (long) Frame.HEADER_AFTER_LENGTH + payload.length;
        if (length > maxFrameBytes) {
            throw new FrameException("frame of " + length + " bytes exceeds the maximum of " + maxFrameBytes);
        }
        out.writeInt((int) length);
        out.writeByte(type);
        out.writeLong(id);
        out.write(payload);
    }

    public void flush() throws IOException {
        out.flush();
    }

    public void close() throws IOException {
        out.close();
    }
}
