package io.stratagem.process.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
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
 * last ones kept for crash reports), and its pipes ({@link WorkerPipe}: the frames both ways, with the write lock and
 * who reads). When the frame stream ends for any reason the process is made sure dead, its exit code collected, and
 * the pool told exactly once ({@link ProcessPool#onDeath}).
 *
 * <h2>Implementation overview</h2>
 * The lifecycle thread ({@code stratagem-<pool>-worker-<id>}) runs the worker from spawn to gone, in order: start the
 * process (killed at once if {@link #kill} came first) and its stderr thread; open the pipes and do the handshake
 * ({@link WorkerPipe#handshake}); on READY, tell the pool ({@link ProcessPool#onReady}) and read, taking turns with
 * joining callers ({@link WorkerPipe#readToEnd}), until the output ends; then {@link #reap}, read the marks file,
 * report the death ({@link ProcessPool#onDeath}), let the AOT cache's assembly run if this was its training run, and
 * count down {@code gone}. The states the pool moves a worker through ({@code STARTING -> READY -> DRAINING -> DEAD})
 * are {@link WorkerLifecycle}'s.
 * <ul>
 *   <li>The pool's {@code lock} guards {@code state}, {@code inFlight}, {@code sent}, {@code idleSinceNanos} and
 *       {@code retireReason}: the pool's bookkeeping for this worker, read and written only by the pool.</li>
 *   <li>{@code tailLock} guards {@code tail}, the last stderr lines.</li>
 *   <li>{@link WorkerPipe}'s own write lock guards the frames written and the count of answers expected.</li>
 *   <li>The rest is written by the lifecycle thread (or, for {@code assembly}, as the assembly starts) and volatile
 *       where other threads read it; {@code killReason} is set by the first {@link #kill}, on any thread, and
 *       {@code descendants} is a concurrent set.</li>
 * </ul>
 */
final class WorkerHandle {
    enum State { STARTING, READY, DRAINING, DEAD }

    private static final Logger log = LoggerFactory.getLogger("io.stratagem.process.worker");
    private static final int TAIL_LINES = 20;

    final int id;
    private final ProcessPool pool;
    private final PoolConfig config;

    // Guarded by the pool lock.
    State state = State.STARTING;
    final Map<Long, Pending> inFlight = new HashMap<>();
    int sent;
    long idleSinceNanos = System.nanoTime();
    String retireReason;

    private final WorkerPipe pipe;
    private final ArrayDeque<String> tail = new ArrayDeque<>(); // guarded by tailLock
    private final ReentrantLock tailLock = new ReentrantLock();
    private final CountDownLatch gone = new CountDownLatch(1);
    private volatile Process process;
    private volatile Process assembly;                // the AOT cache's assembly after a training run, while it runs
    private volatile boolean training;                // this worker is the AOT cache's training run
    private final java.util.Set<ProcessHandle> descendants = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String killReason;
    private volatile long startNanos;
    private volatile java.nio.file.Path marksFile;
    private volatile long readyNanos;
    private Thread errThread;

    WorkerHandle(int id, ProcessPool pool, PoolConfig config) {
        this.id = id;
        this.pool = pool;
        this.config = config;
        this.pipe = new WorkerPipe(this, pool, config);
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
            FrameReader reader = pipe.open(p);
            pipe.handshake(reader, p);
            ready = true;
            readyNanos = System.nanoTime();
            log.debug("{}: worker {} (pid {}) ready in {} ms", config.name(), id, p.pid(),
                    (readyNanos - startNanos) / 1_000_000);
            pipe.ready(reader);
            pool.onReady(this);
            pipe.readToEnd(reader, p);
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

    /** Called on a thread about to block in {@code join()} on {@code run}; see {@link WorkerPipe#help}. */
    void help(io.stratagem.spi.TaskRun<?> run) {
        pipe.help(run);
    }

    /** Writes one frame to the worker's stdin; see {@link WorkerPipe#send}. Never throws. */
    boolean send(byte type, long id, byte[] payload, boolean flush) {
        return pipe.send(type, id, payload, flush);
    }

    /** Writes a TASK frame; see {@link WorkerPipe#sendTask} for when it is flushed. */
    void sendTask(long taskId, byte[] payload, boolean mayDefer) {
        pipe.sendTask(taskId, payload, mayDefer);
    }

    void flush() {
        pipe.flush();
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
