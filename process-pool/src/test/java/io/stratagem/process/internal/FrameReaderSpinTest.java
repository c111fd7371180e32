package io.stratagem.process.internal;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FrameReader#spinUntilReady}: polling a pipe before a read, without losing or reordering a byte. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameReaderSpinTest {

    private static byte[] frame(byte type, long id, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(bytes, 1 << 20);
        w.write(type, id, payload);
        w.flush();
        return bytes.toByteArray();
    }

    @Test
    void anEmptyPipe_isNotReady_onceTheSpinIsOver() throws IOException {
        PipedInputStream in = new PipedInputStream(new PipedOutputStream());
        assertFalse(FrameReader.buffered(in, 1 << 20).spinUntilReady(1_000_000));
    }

    /**
     * Two sides that poll each other and share a CPU each waited out the other's whole poll (112 µs round trips): polls
     * that run out MISSES_BEFORE_SKIP times in a row make the next SKIP_AFTER_MISS ones return at once, even with bytes
     * in the pipe, then it polls again; a single poll that runs out does not.
     */
    @Test
    void pollsThatRanOutInARow_skipTheNextPolls_thenPollsAgain() throws IOException {
        PipedOutputStream out = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(out, 1 << 16);
        FrameReader r = FrameReader.buffered(in, 1 << 20);
        assertFalse(r.spinUntilReady(1_000_000), "nothing in the pipe: the poll runs out");
        out.write(frame(WorkerProtocol.RESULT, 0, new byte[] {0}));
        out.flush();
        assertTrue(r.spinUntilReady(Long.MAX_VALUE / 2), "one poll that ran out does not start skipping");
        assertEquals(0, r.read().id());
        for (int i = 0; i < FrameReader.MISSES_BEFORE_SKIP; i++) {
            assertFalse(r.spinUntilReady(1_000_000), "nothing in the pipe: poll " + i + " runs out");
        }
        out.write(frame(WorkerProtocol.RESULT, 1, new byte[] {1}));
        out.flush();
        for (int i = 0; i < FrameReader.SKIP_AFTER_MISS; i++) {
            assertFalse(r.spinUntilReady(Long.MAX_VALUE / 2), "poll " + i + " is skipped");
        }
        assertTrue(r.spinUntilReady(Long.MAX_VALUE / 2), "polling again, it finds the bytes");
        assertEquals(1, r.read().id());
        out.write(frame(WorkerProtocol.RESULT, 2, new byte[] {2}));
        out.flush();
        assertTrue(r.spinUntilReady(Long.MAX_VALUE / 2), "a poll that found bytes does not start skipping");
        assertEquals(2, r.read().id());
    }

    @Test
    void anInterruptedThread_stopsSpinning_andKeepsItsFlag() throws IOException {
        PipedInputStream in = new PipedInputStream(new PipedOutputStream());
        Thread.currentThread().interrupt();
        try {
            assertFalse(FrameReader.buffered(in, 1 << 20).spinUntilReady(Long.MAX_VALUE / 2));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void bytesAlreadyBuffered_areReady_withoutAskingThePipe() throws IOException {
        byte[] a = frame(WorkerProtocol.RESULT, 1, new byte[] {1, 2, 3});
        byte[] b = frame(WorkerProtocol.RESULT, 2, new byte[] {4});
        byte[] two = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, two, a.length, b.length);
        FrameReader r = FrameReader.buffered(new ByteArrayInputStream(two), 1 << 20);
        assertEquals(1, r.read().id());
        assertTrue(r.spinUntilReady(0), "the second frame came with the first read");
        Frame f = r.read();
        assertEquals(2, f.id());
        assertArrayEquals(new byte[] {4}, f.payload());
    }

    /** A writer on another thread: the spin sees its frame arrive (or gives up), and the read returns it intact. */
    @RepeatedTest(20)
    void aFrameWrittenWhileSpinning_isReadIntact() throws Exception {
        PipedOutputStream out = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(out, 1 << 16);
        FrameReader r = FrameReader.buffered(in, 1 << 20);
        byte[] bytes = frame(WorkerProtocol.RESULT, 42, new byte[] {9, 8, 7});
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, c -> Thread.ofPlatform().daemon().start(c));
        r.spinUntilReady(50_000_000);
        Frame f = r.read();
        assertEquals(42, f.id());
        assertArrayEquals(new byte[] {9, 8, 7}, f.payload());
        writer.get(10, TimeUnit.SECONDS);
    }
}
