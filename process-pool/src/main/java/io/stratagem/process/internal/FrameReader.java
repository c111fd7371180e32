package io.stratagem.process.internal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes frames from a stream. Validates the length against {@code maxFrameBytes} <em>before</em> allocating, and
 * the type against the known set, so garbage on the pipe becomes a {@link FrameException} at once rather than a huge
 * allocation or a read that waits for bytes that never come. Not thread-safe: one reader thread per stream.
 */
public final class FrameReader {
    private final DataInputStream in;
    private final Buffer buffer; // when built by buffered(): answers ready() without a system call
    private final int maxFrameBytes;
    // Polls left to skip after one that ran out (see spinUntilReady). Plain: used by whichever thread reads the stream,
    // one at a time, handed over with a happens-before edge (ReaderRole's lock, WorkerMain's lock); a stale value would
    // only change how long one poll spins.
    private int skipPolls;
    private int missesInARow;

    /**
     * How many polls return at once after {@link #MISSES_BEFORE_SKIP} in a row ran out. Two threads that poll each
     * other's pipe end and share one CPU each wait out the other's whole poll (a round trip of 6 µs then took 112 µs,
     * for thousands of calls on this 2-vCPU machine), and then every poll runs out; blocking reads let the scheduler
     * run the other side at once, and a poll is tried again after this many. A single poll that runs out (a task
     * longer than the poll, a GC) does not start skipping: that made the usual round trip slower.
     */
    static final int SKIP_AFTER_MISS = 64;
    static final int MISSES_BEFORE_SKIP = 2;

    /** A buffer that tells how many bytes it holds; {@code available()} would ask the pipe too, a system call. */
    private static final class Buffer extends BufferedInputStream {
        Buffer(InputStream in) {
            super(in, 1 << 16);
        }

        int buffered() {
            return count - pos; // read by the one reader thread that also fills it
        }

        int inPipe() throws IOException {
            return in.available();
        }
    }

    /** A reader over {@code raw} with a 64 KiB buffer: a frame is then one read system call or less. */
    public static FrameReader buffered(InputStream raw, int maxFrameBytes) {
        return new FrameReader(new Buffer(raw), maxFrameBytes);
    }

    public FrameReader(InputStream in, int maxFrameBytes) {
        this.buffer = in instanceof Buffer b ? b : null;
        this.in = in instanceof DataInputStream d ? d : new DataInputStream(in);
        if (maxFrameBytes < Frame.HEADER_AFTER_LENGTH) {
            throw new IllegalArgumentException("maxFrameBytes must be >= " + Frame.HEADER_AFTER_LENGTH + ", was " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Whether bytes are ready without blocking (a hint for batching flushes; buffered bytes only, if buffered). */
    public boolean ready() throws IOException {
        return buffer != null ? buffer.buffered() > 0 : in.available() > 0;
    }

    /**
     * Polls for up to {@code nanos} until bytes can be read without blocking, so that a {@link #read} expected to
     * return soon finds them there instead of sleeping in the kernel and being woken (on a virtual machine, waking a
     * thread whose CPU went idle can take tens of microseconds). Returns early when the thread is interrupted. Adaptive:
     * polls that run out {@link #MISSES_BEFORE_SKIP} times in a row make the next {@link #SKIP_AFTER_MISS} calls return
     * at once (unless bytes are buffered).
     *
     * @return whether bytes are ready
     */
    public boolean spinUntilReady(long nanos) throws IOException {
        if (ready()) {
            return true;
        }
        if (buffer == null) {
            return false;
        }
        if (skipPolls > 0) {
            skipPolls--;
            return false;
        }
        long deadline = System.nanoTime() + nanos;
        do {
            if (buffer.inPipe() > 0) {
                missesInARow = 0;
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted());
        if (!Thread.currentThread().isInterrupted() && ++missesInARow >= MISSES_BEFORE_SKIP) {
            missesInARow = 0;
            skipPolls = SKIP_AFTER_MISS;
        }
        return false;
    }

    /**
     * Reads the next frame, blocking until it is complete.
     *
     * @return the frame, or null at a clean end of stream (between frames)
     * @throws FrameException if the bytes do not form a valid frame, or the stream ends inside one
     * @throws IOException    if the stream fails
     */
    public Frame read() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int length;
        try {
            length = (b0 << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        } catch (EOFException e) {
            throw new FrameException("truncated frame: the stream ended inside a length field");
        }
        if (length < Frame.HEADER_AFTER_LENGTH || length > maxFrameBytes) {
            throw new FrameException("bad frame length " + Integer.toUnsignedString(length) + " (0x"
                    + Integer.toHexString(length) + "): must be between " + Frame.HEADER_AFTER_LENGTH + " and "
                    + maxFrameBytes + "; something other than the protocol wrote to the pipe, or a frame is oversized");
        }
        byte type;
        long id;
        byte[] payload = new byte[length - Frame.HEADER_AFTER_LENGTH];
        try {
            type = in.readByte();
            if (!WorkerProtocol.isKnownType(type)) {
                throw new FrameException("unknown frame type " + type + " (length " + length + ")");
            }
            id = in.readLong();
            in.readFully(payload);
        } catch (EOFException e) {
            throw new FrameException("truncated frame: the stream ended inside a frame of " + length + " bytes");
        }
        return new Frame(type, id, payload);
    }
}
