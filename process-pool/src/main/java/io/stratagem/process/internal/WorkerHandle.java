package io.stratagem.process.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The parent's side of one worker JVM: the process, a thread that starts it, does the handshake and then reads its
 * frames (handing each to the pool), a thread that turns its stderr into log lines (tagged with the worker id, the
 * last ones kept for crash reports), and a write lock for the stdin pipe. When the frame stream ends for any reason
 * the process is made sure dead, its exit code collected, and the pool told exactly once ({@link ProcessPool#onDeath}).
 * The reading is shared ({@link ReaderRole}): a caller joining the one task outstanding here reads its answer itself
 * ({@link #help}), polling the pipe for up to {@link #HELP_SPIN_NANOS} before it blocks, and the lifecycle thread reads
 * whenever answers are expected and nobody else does.
 */
final class WorkerHandle {
    enum State { STARTING, READY, DRAINING, DEAD }

    private static final Logger log = LoggerFactory.getLogger("io.stratagem.process.worker");
    private static final int TAIL_LINES = 20;
    /**
     * How long a helper polls the pipe before blocking in a read: a tiny task's answer then finds it running instead
     * of asleep (see {@code WorkerMain.IDLE_READ_SPIN_NANOS}); a long task costs its joining thread this much CPU.
     */
    private static final long HELP_SPIN_NANOS = 50_000;

    final int id;
    private final ProcessPool pool;
    private final PoolConfig config;

    // Guarded by the pool lock.
    State state = State.STARTING;
    final Map<Long, Pending> inFlight = new HashMap<>();
    int sent;
    long idleSinceNanos = System.nanoTime();
    String retireReason;

    private final ReentrantLock writeLock = new ReentrantLock();
    // Written under writeLock: TASK frames written whose outcome frame has not been read. Volatile for ReaderRole.
    private volatile int unanswered;
    private final ReaderRole role = new ReaderRole();
    private volatile FrameReader frames; // once READY: read by the holder of the role only
    private final ArrayDeque<String> tail = new ArrayDeque<>(); // guarded by tailLock
    private final ReentrantLock tailLock = new ReentrantLock();
    private final CountDownLatch gone = new CountDownLatch(1);
    private volatile Process process;
    private volatile Process assembly;                // the AOT cache's assembly after a training run, while it runs
    private volatile boolean training;                // this worker is the AOT cache's training run
    private final java.util.Set<ProcessHandle> descendants = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile FrameWriter writer;
    private volatile String killReason;
    private volatile long startNanos;
    private volatile java.nio.file.Path marksFile;
    private volatile long readyNanos;
    private Thread errThread;

    WorkerHandle(int id, ProcessPool pool, PoolConfig config) {
        this.id = id;
        this.pool = pool;
        this.config = config;
    }

    void start() {
        Thread t = new Thread(this::lifecycle, "stratagem-" + config.name() + "-worker-" + id);
        t.setDaemon(true);
        t.start();
    }

    private void lifecycle() {
        String detail = null;
        boolean ready = false;
        List<String> archiveOptions = List.of();
        try {
            startNanos = System.nanoTime();
            marksFile = StartedMarks.create();
            archiveOptions = pool.archive().optionsFor(id);
            training = WorkerArchive.isTraining(archiveOptions);
            ProcessBuilder pb = new ProcessBuilder(config.command(id, marksFile, archiveOptions));
            pb.environment().putAll(config.environment());
            Process p = pb.start();
            process = p;
            pool.archive().pruneOnce(); // while the worker's JVM boots
            if (killReason != null) {
                p.destroyForcibly();
            }
            errThread = new Thread(() -> pumpStderr(p), "stratagem-" + config.name() + "-worker-" + id + "-stderr");
            errThread.setDaemon(true);
            errThread.start();
            writer = new FrameWriter(p.getOutputStream(), config.maxFrameBytes());
            FrameReader reader = FrameReader.buffered(p.getInputStream(), config.maxFrameBytes());
            handshake(reader, p);
            ready = true;
            readyNanos = System.nanoTime();
            log.debug("{}: worker {} (pid {}) ready in {} ms", config.name(), id, p.pid(),
                    (readyNanos - startNanos) / 1_000_000);
            frames = reader;
            pool.onReady(this);
            p.onExit().thenRun(role::exited); // an idle worker's death is then noticed with nobody reading
            while (role.awaitTurn(() -> unanswered) && !readWhileExpected(reader)) {
                // the role was given up while no answer was expected; wait for the next turn
            }
            detail = "the worker's output ended";
        } catch (FrameException e) {
            detail = "protocol error from worker " + id + ": " + e.getMessage();
            kill(detail);
        } catch (IOException e) {
            detail = (ready ? "the pipe to worker " + id + " failed: " : "worker " + id + " failed to start: ")
                    + e.getMessage();
        } catch (RuntimeException | Error e) {
            detail = "internal error while serving worker " + id + ": " + e;
            log.error("{}: {}", config.name(), detail, e);
            kill(detail);
        } finally {
            Integer exit = reap();
            String reason = killReason != null ? killReason : detail;
            java.util.Set<Long> startedUnflushed = java.util.Set.of();
            if (marksFile != null) {
                startedUnflushed = StartedMarks.read(marksFile);
                try {
                    java.nio.file.Files.deleteIfExists(marksFile);
                } catch (IOException e) {
                    log.debug("{}: could not delete {}: {}", config.name(), marksFile, e.toString());
                }
            }
            pool.onDeath(this, exit, reason, ready, startedUnflushed);
            // Before gone: close waits for the assembly, and kill() kills it.
            Integer assembled = killReason != null ? null : pool.archive().assemble(config, id, archiveOptions, a -> {
                assembly = a;
                if (killReason != null) {
                    a.destroyForcibly();
                }
            });
            pool.archive().workerGone(id, archiveOptions, assembled);
            gone.countDown();
            pool.onGone(this);
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
        pool.onFrame(this, f, more);
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
     * HELLO, INIT, READY. INIT goes out first, before HELLO arrives: the worker finds it in the pipe as soon as it has
     * said HELLO, instead of waiting a round trip through this thread while it could be initializing. HELLO is still
     * checked before anything else the worker says is believed.
     */
    private void handshake(FrameReader reader, Process p) throws IOException {
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
            throw new IOException("could not send INIT to worker " + id);
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
     * Waits for the worker to exit (killing it after 3 s), then kills and waits for the processes it started that
     * outlived it: the ones seen while it was alive (here, and at every {@link #kill}). Once the worker is gone its
     * children are no longer this JVM's descendants, so they are looked up before its exit; one started in the last
     * instant can still escape. Returns the worker's exit code, or null if it could not be reaped.
     */
    private Integer reap() {
        Process p = process;
        if (p == null) {
            return null;
        }
        try {
            noteDescendants(p);
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                noteDescendants(p);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            killDescendants(true);
            if (errThread != null) {
                errThread.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return p.isAlive() ? null : p.exitValue();
    }

    private void noteDescendants(Process p) {
        try {
            p.descendants().forEach(descendants::add);
        } catch (RuntimeException e) {
            log.debug("{}: could not list the processes of worker {}: {}", config.name(), id, e.toString());
        }
    }

    private void killDescendants(boolean await) {
        for (ProcessHandle h : List.copyOf(descendants)) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        if (!await) {
            return;
        }
        for (ProcessHandle h : List.copyOf(descendants)) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
                descendants.remove(h);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.warn("{}: process {} started by worker {} did not exit after SIGKILL", config.name(), h.pid(), id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pumpStderr(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (training && isAotNotice(line.strip())) {
                    log.debug("[{} worker {}] {}", config.name(), id, line); // the JVM's news of the AOT training
                } else {
                    log.info("[{} worker {}] {}", config.name(), id, line);
                }
                tailLock.lock();
                try {
                    tail.addLast(line.length() > 500 ? line.substring(0, 500) + "..." : line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                } finally {
                    tailLock.unlock();
                }
            }
        } catch (IOException e) {
            log.debug("{}: stderr of worker {} ended: {}", config.name(), id, e.toString());
        }
    }

    /** A line the JVM writes about an AOT training run ("AOTConfiguration recorded: ...", -Xlog:aot). */
    static boolean isAotNotice(String line) {
        return line.startsWith("AOTConfiguration recorded") || line.startsWith("[") && line.contains("[aot");
    }

    /** The last lines the worker wrote to stderr. */
    List<String> stderrTail() {
        tailLock.lock();
        try {
            return new ArrayList<>(tail);
        } finally {
            tailLock.unlock();
        }
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

    /**
     * Kills the process (SIGKILL), the processes it started, and the AOT cache's assembly if it runs; the first reason
     * given is the one reported. The lifecycle thread then waits for all of them ({@link #reap}).
     */
    void kill(String reason) {
        if (killReason == null) {
            killReason = reason;
        }
        Process p = process;
        if (p != null) {
            noteDescendants(p);
            p.destroyForcibly();
            noteDescendants(p); // a child started meanwhile, before the kill landed
            killDescendants(false);
        }
        Process a = assembly;
        if (a != null) {
            a.destroyForcibly();
        }
    }

    boolean killedByPool() {
        return killReason != null;
    }

    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** Start-up time from spawn to READY, or -1 if not ready. */
    long startupNanos() {
        long r = readyNanos;
        return r == 0 ? -1 : r - startNanos;
    }

    boolean awaitGone(long nanos) throws InterruptedException {
        return gone.await(nanos, TimeUnit.NANOSECONDS);
    }
}
