package io.stratagem.process.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The frames between the parent and one worker JVM, both ways: TASK and control frames written to its stdin, the
 * answers read from its stdout and handed to the pool ({@link ProcessPool#onFrame}), and the handshake that opens
 * them. The process itself, and the lifecycle thread that does the reading here when no caller does, are
 * {@link WorkerHandle}'s.
 *
 * <h2>Implementation overview</h2>
 * Writing and reading meet in one count, {@code unanswered}: the TASK frames written whose outcome frame (RESULT,
 * ERROR or WITHDRAWN) has not been read yet.
 * <ul>
 *   <li>{@code writeLock} guards the {@link FrameWriter} (a frame is written and flushed whole) and every change of
 *       {@code unanswered}: it goes up in {@link #sendTask} in the same critical section as the frame's write, and
 *       down when an outcome is read ({@code answered}), before the flush that ends that batch of reads. That is what
 *       lets a TASK frame stay unflushed while another is unanswered (see {@link #sendTask}): the reader's flush at the
 *       end of the batch holding that other outcome pushes it.</li>
 *   <li>{@code unanswered} is volatile besides, for the {@link ReaderRole}, which decides who reads: the worker's
 *       lifecycle thread ({@link #readToEnd}) whenever answers are expected and nobody else reads, or a caller about
 *       to join the one task outstanding here ({@link #help}), which polls the pipe for up to
 *       {@link #HELP_SPIN_NANOS} before it blocks in a read. Only the holder of the role reads {@code frames}.</li>
 *   <li>{@code writer} and {@code frames} are set once by the lifecycle thread: {@code writer} when the process has
 *       started ({@link #open}; frames written before that are dropped), {@code frames} after READY
 *       ({@link #ready}; no caller helps before that).</li>
 * </ul>
 * Writes never throw: a failed write means the worker is dying, which the lifecycle thread reports when its read
 * fails or the stream ends.
 */
final class WorkerPipe {
    /**
     * How long a helper polls the pipe before blocking in a read: a tiny task's answer then finds it running instead
     * of asleep (see {@code WorkerMain.IDLE_READ_SPIN_NANOS}); a long task costs its joining thread this much CPU.
     */
    private static final long HELP_SPIN_NANOS = 50_000;

    private final WorkerHandle worker;
    private final ProcessPool pool;
    private final PoolConfig config;

    private final ReentrantLock writeLock = new ReentrantLock();
    // Written under writeLock: TASK frames written whose outcome frame has not been read. Volatile for ReaderRole.
    private volatile int unanswered;
    private final ReaderRole role = new ReaderRole();
    private volatile FrameReader frames; // once READY: read by the holder of the role only
    private volatile FrameWriter writer;

    WorkerPipe(WorkerHandle worker, ProcessPool pool, PoolConfig config) {
        this.worker = worker;
        this.pool = pool;
        this.config = config;
    }

    /** The lifecycle thread, once the process has started: frames can be written from now on. Returns its output. */
    FrameReader open(Process p) {
        writer = new FrameWriter(p.getOutputStream(), config.maxFrameBytes());
        return FrameReader.buffered(p.getInputStream(), config.maxFrameBytes());
    }

    /**
     * HELLO, INIT, READY. INIT goes out first, before HELLO arrives: the worker finds it in the pipe as soon as it has
     * said HELLO, instead of waiting a round trip through this thread while it could be initializing. HELLO is still
     * checked before anything else the worker says is believed.
     */
    void handshake(FrameReader reader, Process p) throws IOException {
        ByteArrayOutputStream init = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(init)) {
            d.writeInt(WorkerProtocol.VERSION);
            d.writeUTF(config.codec() == null ? "" : config.codec().getClass().getName());
            d.writeUTF(config.filterPattern());
            byte[] initializer = config.initializer() == null ? new byte[0] : config.initializer();
            d.writeInt(initializer.length);
            d.write(initializer);
        }
        boolean initSent = send(WorkerProtocol.INIT, 0, init.toByteArray(), true);
        Frame hello = reader.read();
        if (hello == null) {
            throw new IOException("the worker exited before saying hello");
        }
        if (hello.type() != WorkerProtocol.HELLO) {
            throw new FrameException("expected HELLO, got " + hello);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(hello.payload()));
        int magic = in.readInt();
        int version = in.readInt();
        if (magic != WorkerProtocol.MAGIC || version != WorkerProtocol.VERSION) {
            throw new FrameException("handshake mismatch: magic 0x" + Integer.toHexString(magic) + " version " + version
                    + ", expected 0x" + Integer.toHexString(WorkerProtocol.MAGIC) + " version " + WorkerProtocol.VERSION);
        }
        if (!initSent) {
            throw new IOException("could not send INIT to worker " + worker.id);
        }
        Frame answer = reader.read();
        if (answer == null) {
            throw new IOException("the worker exited during its initialization");
        }
        if (answer.type() == WorkerProtocol.INIT_FAILED) {
            throw new IOException(new String(answer.payload(), StandardCharsets.UTF_8));
        }
        if (answer.type() != WorkerProtocol.READY) {
            throw new FrameException("expected READY, got " + answer);
        }
    }

    /**
     * The lifecycle thread, after the handshake: a joining caller may read {@code reader} from now on
     * ({@link #help}).
     */
    void ready(FrameReader reader) {
        frames = reader;
    }

    /**
     * The lifecycle thread, once the pool knows the worker is ready: reads whenever answers are expected and no
     * helper does, and after the process has exited, until the end of the stream (returns) or a failure (throws).
     */
    void readToEnd(FrameReader reader, Process p) throws IOException {
        p.onExit().thenRun(role::exited); // an idle worker's death is then noticed with nobody reading
        while (role.awaitTurn(() -> unanswered) && !readWhileExpected(reader)) {
            // the role was given up while no answer was expected; wait for the next turn
        }
    }

    /**
     * Reads frames, holding the role, until the end of the stream (true) or the end of a batch with no answer expected,
     * when it gives the role up (false).
     */
    private boolean readWhileExpected(FrameReader reader) throws IOException {
        while (true) {
            Frame f = reader.read();
            if (f == null) {
                return true;
            }
            boolean more = reader.ready();
            handle(f, more);
            if (!more) {
                flush(); // end of a batch: push what the pool wrote to this worker meanwhile
                if (role.releaseIfIdle(unanswered)) {
                    return false;
                }
            }
        }
    }

    private void handle(Frame f, boolean more) throws FrameException {
        if (f.type() == WorkerProtocol.RESULT || f.type() == WorkerProtocol.ERROR
                || f.type() == WorkerProtocol.WITHDRAWN) {
            answered(); // before the flush at the end of this batch: see sendTask
        }
        pool.onFrame(worker, f, more);
    }

    /**
     * Called on a thread about to block in {@code join()} on {@code run}, which the pool has sent to this worker: if
     * it is the only task outstanding here and nobody reads, reads one batch of frames on this thread (which normally
     * brings the task's outcome, read here instead of on the lifecycle thread, which would then have to wake this
     * one), then gives the role back. Not on a virtual thread: a pipe read would pin its carrier. Never throws: what
     * ends the stream is handed to the lifecycle thread. See {@link ReaderRole}.
     */
    void help(io.stratagem.spi.TaskRun<?> run) {
        FrameReader reader = frames;
        if (reader == null || unanswered != 1 || Thread.currentThread().isVirtual()
                || !role.tryTake(() -> !run.isDone(), () -> unanswered)) {
            return;
        }
        try {
            reader.spinUntilReady(HELP_SPIN_NANOS);
            boolean more;
            do {
                Frame f = reader.read();
                if (f == null) {
                    role.handOver(null);
                    return;
                }
                more = reader.ready();
                handle(f, more);
            } while (more);
            flush();
        } catch (IOException | RuntimeException | Error e) {
            role.handOver(e);
            return;
        }
        role.release(() -> unanswered);
    }

    /**
     * Writes one frame to the worker's stdin. Never throws: a failed write means the worker is dying, which the reader
     * thread reports.
     *
     * @return whether the frame was written
     */
    boolean send(byte type, long id, byte[] payload, boolean flush) {
        FrameWriter w = writer;
        if (w == null) {
            return false;
        }
        writeLock.lock();
        try {
            w.write(type, id, payload);
            if (flush) {
                w.flush();
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Writes a TASK frame; flushes it unless {@code mayDefer} and another TASK is still unanswered. A deferred frame
     * is pushed by this reader thread's flush at the end of the batch holding that other task's outcome (its count
     * goes down, under this lock, before that flush), or by an earlier flush; by induction every frame written is
     * flushed while an outcome is still to come. Deferring without such an outcome lost a frame in the buffer: the
     * worker idled, its caller waited forever.
     */
    void sendTask(long taskId, byte[] payload, boolean mayDefer) {
        FrameWriter w = writer;
        if (w == null) {
            return;
        }
        int expected;
        writeLock.lock();
        try {
            w.write(WorkerProtocol.TASK, taskId, payload);
            if (!mayDefer || unanswered == 0) {
                w.flush();
            }
            expected = ++unanswered;
        } catch (IOException e) {
            return; // the reader thread reports the death
        } finally {
            writeLock.unlock();
        }
        role.wanted(expected);
    }

    private void answered() {
        writeLock.lock();
        try {
            unanswered = Math.max(0, unanswered - 1);
        } finally {
            writeLock.unlock();
        }
    }

    void flush() {
        FrameWriter w = writer;
        if (w == null) {
            return;
        }
        writeLock.lock();
        try {
            w.flush();
        } catch (IOException ignored) {
            // the reader thread reports the death
        } finally {
            writeLock.unlock();
        }
    }
}
