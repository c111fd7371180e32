package io.stratagem.process.internal;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frame decoder against garbage: random bytes, truncated frames, wrong and huge lengths. Every input ends in
 * frames, a clean end or a {@link FrameException}, never in another exception, a hang or a huge allocation.
 */
class FrameDecoderFuzzTest {

    private static final int MAX = 1 << 20;

    /** Reads until the end or the first error; returns the frames read and whether it ended in a FrameException. */
    private static List<Frame> readAll(byte[] bytes, boolean[] failed) {
        FrameReader r = new FrameReader(new ByteArrayInputStream(bytes), MAX);
        List<Frame> out = new ArrayList<>();
        try {
            for (Frame f; (f = r.read()) != null; ) {
                out.add(f);
            }
        } catch (FrameException e) {
            failed[0] = true;
            assertTrue(e.getMessage().contains("frame"), e.getMessage());
        } catch (IOException e) {
            throw new AssertionError("only FrameException is expected from an in-memory stream", e);
        }
        return out;
    }

    private static byte[] encode(List<Frame> frames) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(bytes, MAX);
        for (Frame f : frames) {
            w.write(f);
        }
        w.flush();
        return bytes.toByteArray();
    }

    private static Arbitrary<Frame> frame() {
        return Combinators.combine(
                Arbitraries.bytes().between((byte) 1, (byte) 12),
                Arbitraries.longs(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300)).as((t, id, p) -> new Frame(t, id, p));
    }

    @Provide
    Arbitrary<List<Frame>> frames() {
        return frame().list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<Frame>> someFrames() {
        return frame().list().ofMinSize(1).ofMaxSize(10);
    }

    @Property(tries = 300)
    void validFrames_roundTrip(@ForAll("frames") List<Frame> frames) throws IOException {
        boolean[] failed = {false};
        List<Frame> back = readAll(encode(frames), failed);
        assertTrue(!failed[0]);
        assertEquals(frames.size(), back.size());
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(frames.get(i).type(), back.get(i).type());
            assertEquals(frames.get(i).id(), back.get(i).id());
            assertArrayEquals(frames.get(i).payload(), back.get(i).payload());
        }
    }

    @Property(tries = 500)
    void truncatedFrames_failClearlyOrEndCleanly(@ForAll("someFrames") List<Frame> frames,
                                                 @ForAll @IntRange(min = 0, max = 100) int cutPercent) throws IOException {
        byte[] full = encode(frames);
        int cut = (int) ((long) full.length * cutPercent / 100);
        boolean[] failed = {false};
        List<Frame> back = readAll(Arrays.copyOf(full, cut), failed);
        assertTrue(back.size() <= frames.size());
        int consumed = 0;
        for (int i = 0; i < back.size(); i++) {
            consumed += 4 + Frame.HEADER_AFTER_LENGTH + frames.get(i).payload().length;
        }
        assertEquals(consumed < cut, failed[0], "a partial frame is an error, a cut between frames is a clean end");
    }

    @Property(tries = 1000)
    void randomBytes_neverEscapeAsAnythingButFrameException(@ForAll @Size(max = 2000) byte[] garbage) {
        readAll(garbage, new boolean[1]);
    }

    @Property(tries = 300)
    void hugeOrNegativeLengths_areRejectedBeforeAllocating(@ForAll int length) throws IOException {
        if (length >= Frame.HEADER_AFTER_LENGTH && length <= MAX) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeInt(length);
        // An endless stream after the length: the decoder must not try to read (or allocate) `length` bytes.
        InputStream endless = new java.io.SequenceInputStream(new ByteArrayInputStream(bytes.toByteArray()),
                new InputStream() {
                    @Override
                    public int read() {
                        return 7;
                    }
                });
        FrameException e = assertThrows(FrameException.class, () -> new FrameReader(endless, MAX).read());
        assertTrue(e.getMessage().contains("bad frame length"), e.getMessage());
    }

    @Property(tries = 200)
    void unknownTypes_areRejected(@ForAll byte type) throws IOException {
        if (WorkerProtocol.isKnownType(type)) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bytes);
        d.writeInt(9);
        d.writeByte(type);
        d.writeLong(1);
        boolean[] failed = {false};
        readAll(bytes.toByteArray(), failed);
        assertTrue(failed[0]);
    }

    @Property(tries = 300)
    void errorPayloadDecoder_survivesGarbage(@ForAll @Size(max = 500) byte[] garbage) {
        JavaSerializationCodec codec = new JavaSerializationCodec(JavaSerializationCodec.allowList(List.of()));
        try {
            ErrorPayload.decode(garbage, codec, getClass().getClassLoader());
        } catch (IOException expected) {
            // a clear error
        }
    }

    @Property(tries = 50)
    void oversizedFrames_areRefusedByTheWriter(@ForAll @IntRange(min = MAX - 8, max = MAX + 100) int payload) {
        FrameWriter w = new FrameWriter(OutputStreamNull.INSTANCE, MAX);
        if (payload + Frame.HEADER_AFTER_LENGTH > MAX) {
            assertThrows(FrameException.class, () -> w.write((byte) 5, 1, new byte[payload]));
        }
    }

    @Property(tries = 20)
    void aReaderAtEndOfStream_returnsNull(@ForAll @IntRange(min = 0, max = 0) int unused) throws IOException {
        assertNull(new FrameReader(new ByteArrayInputStream(new byte[0]), MAX).read());
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }
    }
}
