package io.stratagem.process.internal;

import io.stratagem.Task;
import io.stratagem.TaskNotSerializableException;
import io.stratagem.process.ProcessPoolStrategy;
import io.stratagem.process.TaskCodec;
import io.stratagem.process.internal.WorkerTaskContext.Job;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.PrintStream;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The entry point of a worker JVM: {@code WorkerMain <parentPid> <workerId> <maxFrameBytes> <marksFile>}. See
 * {@link WorkerProtocol} for the conversation.
 *
 * <h2>Implementation overview</h2>
 * Two threads, the main thread and {@code stratagem-worker-task}, trade two roles (leader/follower): at any time one
 * of them is the <em>reader</em> ({@code readerThread}), the other runs queued jobs or waits. The reader reads frames
 * from stdin. A TASK that finds the worker idle (nothing running, nothing queued) is run by the reader itself, at once,
 * leaving the reader role free: a lone task costs no thread hand-off, and no wake-up of the other thread either
 * unless it runs past a flusher tick (1-2 ms), when the flusher ({@link WorkerOutput}) wakes the other thread to take
 * over reading, so CANCEL and INTERRUPT still get through. A reader in an idle worker polls stdin for up to
 * {@link #IDLE_READ_SPIN_NANOS} before blocking, so the parent's next frame finds it running. Other TASK frames join {@code queue}, taken in order by the
 * thread that is not reading. CANCEL withdraws a queued job (answering WITHDRAWN) or flags the running one; INTERRUPT
 * interrupts the running thread while that job is still running (checked under {@code lock}, which a thread also
 * holds when it finishes a job and clears its interrupt, so an interrupt never hits the wrong task). What the worker
 * writes, and when it flushes, is {@link WorkerOutput}'s business. End of stdin means the parent is gone: the worker
 * halts at once, as it does when the warm-up thread, its work done, finds the parent pid dead. Stdout belongs to the
 * protocol; {@code System.out} is pointed at stderr.
 */
public final class WorkerMain {

    private final WorkerOutput out;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();       // guarded by lock
    private final LinkedHashSet<Long> cancelledEarly = new LinkedHashSet<>(); // guarded by lock
    private Job running;                                           // guarded by lock
    private boolean shutdown;                                      // guarded by lock

    private Thread readerThread;                                   // guarded by lock: reads stdin, or null if free
    private Thread runningThread;                                  // guarded by lock: runs {@code running}
    private FrameReader reader;                                    // used by the reader only
    private WorkerWarmUp warmUp;
    private TaskCodec codec;
    private JavaSerializationCodec errorCodec;
    private final ClassLoader loader = ClassLoader.getSystemClassLoader();

    private final int maxFrameBytes;
    /**
     * How long an idle worker's reader polls the pipe before blocking in a read: the parent's next frame then finds it
     * running instead of asleep. On a virtual machine a thread woken on a CPU that went idle may start tens of
     * microseconds late; polling took the round trip of a tiny task from 10-40 us to 7 us on a 2-vCPU VM. Only while
     * nothing runs or waits in this worker, so it never takes a CPU from a job here.
     */
    private static final long IDLE_READ_SPIN_NANOS = 50_000;

    private WorkerMain(FrameWriter writer, int maxFrameBytes) {
        this.out = new WorkerOutput(writer, this);
        this.maxFrameBytes = maxFrameBytes;
    }

    public static void main(String[] args) throws Exception {
        int maxFrame = Integer.parseInt(args[2]);
        WorkerMain w = new WorkerMain(new FrameWriter(new FileOutputStream(FileDescriptor.out), maxFrame), maxFrame);
        // first: it overlaps all up to the first task, then watches the parent
        w.warmUp = new WorkerWarmUp(w.out, java.nio.file.Path.of(args[3]), Long.parseLong(args[0]));
        w.warmUp.start();
        // Buffered: a frame is then one read system call (or less), not one per header field.
        FrameReader protocolIn = FrameReader.buffered(new FileInputStream(FileDescriptor.in), maxFrame);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(err);
        System.setIn(new ByteArrayInputStream(new byte[0]));
        int code;
        try {
            code = w.serve(protocolIn);
        } catch (Throwable t) {
            err.println("stratagem worker: fatal: " + t);
            t.printStackTrace(err);
            code = 70;
        }
        err.flush();
        Runtime.getRuntime().halt(code);
    }

    /**
     * Blocks the calling thread (the warm-up thread, once its work is done: {@link WorkerWarmUp}) until the parent
     * has died, then halts; within ~0.2 s of the death, even if stdin stays open (inherited by a grandchild). Returns
     * only if interrupted.
     */
    static void haltWhenParentDies(long parentPid) {
        ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
        while (parent != null && parent.isAlive()) {
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
        Runtime.getRuntime().halt(0);
    }

    private int serve(FrameReader reader) throws Exception {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(hello)) {
            d.writeInt(WorkerProtocol.MAGIC);
            d.writeInt(WorkerProtocol.VERSION);
        }
        out.send(WorkerProtocol.HELLO, 0, hello.toByteArray(), true);
        Frame init = reader.read();
        if (init == null) {
            return 0;
        }
        if (init.type() != WorkerProtocol.INIT) {
            throw new FrameException("expected INIT, got " + init);
        }
        try {
            initialize(init.payload());
        } catch (Throwable t) {
            String text = "initializer failed: " + t;
            diagnose(text, t);
            out.send(WorkerProtocol.INIT_FAILED, 0, text.getBytes(StandardCharsets.UTF_8), true);
            return 3;
        }
        this.reader = reader;
        readerThread = Thread.currentThread(); // no other thread reads yet: no lock needed
        // READY before the other two threads start (1-3 ms each in a fresh worker on 2 busy vCPUs): the parent's first
        // TASK crosses the pipe meanwhile and waits there for work() below.
        out.send(WorkerProtocol.READY, 0, new byte[0], true);
        Thread second = new Thread("stratagem-worker-task") {
            @Override
            public void run() {
                try {
                    work();
                    System.err.flush(); // user code's own output (System.out points here too) before the halt
                    Runtime.getRuntime().halt(0); // stdin closed: the parent is gone or abandoned us
                } catch (Throwable t) {
                    fatal(t);
                }
            }
        };
        try {
            second.start();
            out.startFlusher();
        } catch (Throwable t) { // e.g. no native thread left: a failed start, though READY went out
            diagnose("could not start its threads: " + t, t);
            Runtime.getRuntime().halt(WorkerProtocol.EXIT_START_FAILED);
        }
        work();
        return 0; // stdin closed: the parent is gone or abandoned us
    }

    static void fatal(Throwable t) {
        diagnose("fatal: " + t, t);
        Runtime.getRuntime().halt(70);
    }

    /**
     * Says something about the worker itself on its stderr, flushed, with {@code t}'s stack trace if not null. A worker
     * has no logging of its own (the caller's class path may have no SLF4J binding, and stdout is the protocol's): its
     * stderr is the channel the parent reads line by line into its SLF4J log, tagged with the worker id, and keeps the
     * last lines of for {@code WorkerCrashedException}. The one place worker code writes to it.
     */
    static void diagnose(String message, Throwable t) {
        System.err.println("stratagem worker: " + message);
        if (t != null) {
            t.printStackTrace();
        }
        System.err.flush();
    }

    /**
     * The loop both threads run: read (holding the reader role, or taking it when free), or run the next queued job
     * (when another thread reads), or wait. Returns at the end of stdin; halts once SHUTDOWN has come and no job is
     * left.
     */
    private void work() throws IOException {
        Thread me = Thread.currentThread();
        while (true) {
            Job job = null;
            boolean idle = false;
            lock.lock();
            try {
                while (true) {
                    if (shutdown && queue.isEmpty() && running == null) {
                        out.flushQuietly();
                        Runtime.getRuntime().halt(0); // SHUTDOWN, nothing left; halt skips hooks never asked for
                    }
                    if (readerThread == null || readerThread == me) {
                        readerThread = me;
                        out.inline(null);
                        idle = running == null && queue.isEmpty();
                        break;
                    }
                    if (running == null && !queue.isEmpty()) {
                        job = queue.poll();
                        running = job;
                        runningThread = me;
                        break;
                    }
                    workAvailable.awaitUninterruptibly();
                }
            } finally {
                lock.unlock();
            }
            if (job == null) {
                if (idle) {
                    reader.spinUntilReady(IDLE_READ_SPIN_NANOS);
                }
                Frame f = reader.read();
                if (f == null) {
                    return;
                }
                job = onFrame(f);
            }
            if (job != null) {
                runJob(job);
            }
        }
    }

    private void initialize(byte[] payload) throws Exception {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int version = in.readInt();
        if (version != WorkerProtocol.VERSION) {
            throw new FrameException("protocol version " + version + " from the parent, this worker speaks "
                    + WorkerProtocol.VERSION);
        }
        String codecClass = in.readUTF();
        String filter = in.readUTF();
        byte[] initializer = new byte[in.readInt()];
        in.readFully(initializer);
        errorCodec = new JavaSerializationCodec(filter);
        codec = codecClass.isEmpty() ? errorCodec
                : (TaskCodec) Class.forName(codecClass, true, loader).getConstructor().newInstance();
        if (initializer.length > 0) {
            ((ProcessPoolStrategy.Initializer) errorCodec.decode(initializer, loader)).initialize();
        }
    }

    /** Handles one frame on the reader thread; returns a job to run on this thread at once (the worker was idle). */
    private Job onFrame(Frame f) throws IOException {
        Job inline = null;
        switch (f.type()) {
            case WorkerProtocol.TASK -> {
                boolean withdraw;
                lock.lock();
                try {
                    withdraw = cancelledEarly.remove(f.id());
                    if (!withdraw) {
                        Job job = new Job(f.id(), f.payload());
                        if (running == null && queue.isEmpty()) {
                            inline = job;
                            running = job;
                            runningThread = Thread.currentThread();
                            readerThread = null; // free: taken back after the job, or by the other thread if it runs long
                            out.inline(job);
                        } else {
                            queue.add(job);
                            workAvailable.signalAll();
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (withdraw) {
                    out.send(WorkerProtocol.WITHDRAWN, f.id(), new byte[0], true);
                }
            }
            case WorkerProtocol.CANCEL -> {
                boolean withdrawn = false;
                lock.lock();
                try {
                    if (running != null && running.id == f.id()) {
                        running.cancelled = true;
                        LockSupport.unpark(runningThread);
                    } else {
                        for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
                            if (it.next().id == f.id()) {
                                it.remove();
                                withdrawn = true;
                                break;
                            }
                        }
                        if (!withdrawn) {
                            rememberEarlyCancel(f.id());
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (withdrawn) {
                    out.send(WorkerProtocol.WITHDRAWN, f.id(), new byte[0], true);
                }
            }
            case WorkerProtocol.INTERRUPT -> {
                lock.lock();
                try {
                    if (running != null && running.id == f.id()) {
                        running.interrupted = true;
                        runningThread.interrupt();
                    }
                } finally {
                    lock.unlock();
                }
            }
            case WorkerProtocol.SHUTDOWN -> {
                lock.lock();
                try {
                    shutdown = true;
                    workAvailable.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            default -> throw new FrameException("unexpected frame in a worker: " + f);
        }
        return inline;
    }

    /** A CANCEL for a finished task also lands here; the set is bounded so those do not accumulate. */
    private void rememberEarlyCancel(long id) {
        cancelledEarly.add(id);
        if (cancelledEarly.size() > 4096) {
            Iterator<Long> it = cancelledEarly.iterator();
            it.next();
            it.remove();
        }
    }

    /** Runs {@code job}, which the caller has made {@code running} on this thread, and writes its outcome. */
    private void runJob(Job job) {
        boolean more;
        out.started(job);
        ThreadMXBean mx = warmUp.threadMx(); // null until loaded: those first tasks report no CPU time
        long cpu0 = mx == null ? -1 : mx.getCurrentThreadCpuTime();
        Object value = null;
        Throwable failure = null;
        try {
            Task<?> task = decodeTask(job);
            value = task.run(new WorkerTaskContext(job));
        } catch (Throwable t) {
            failure = t;
        }
        long cpu = mx == null ? -1 : mx.getCurrentThreadCpuTime() - cpu0;
        lock.lock();
        try {
            running = null;
            runningThread = null;
            Thread.interrupted(); // an INTERRUPT aimed at this job must not reach the next one
            more = !queue.isEmpty();
        } finally {
            lock.unlock();
        }
        byte flags = (byte) ((job.interrupted ? WorkerProtocol.FLAG_INTERRUPTED : 0)
                | (job.cancelled ? WorkerProtocol.FLAG_CANCEL_SEEN : 0));
        byte type = WorkerProtocol.RESULT;
        byte[] body;
        if (failure == null) {
            try {
                body = codec.encode(value);
                if (body.length > writerLimit()) {
                    failure = new IllegalStateException("the result of task " + job.id + " is " + body.length
                            + " bytes once serialized, more than the maximum frame size; raise maxFrameBytes");
                }
            } catch (NotSerializableException e) {
                failure = new TaskNotSerializableException(e.getMessage(), "the task's result could not be "
                        + "serialized in the worker", null);
                body = null;
            } catch (IOException | RuntimeException e) {
                failure = new IllegalStateException("the result of task " + job.id + " could not be encoded: " + e);
                body = null;
            }
        } else {
            body = null;
        }
        if (failure != null) {
            type = WorkerProtocol.ERROR;
            body = ErrorPayload.encode(failure, errorCodec);
        }
        byte[] framed = new byte[9 + body.length];
        framed[0] = flags;
        long c = cpu < 0 ? -1 : cpu;
        for (int i = 0; i < 8; i++) {
            framed[1 + i] = (byte) (c >>> (56 - 8 * i));
        }
        System.arraycopy(body, 0, framed, 9, body.length);
        out.result(type, job.id, framed, !more);
    }

    private int writerLimit() {
        return maxFrameBytes - 64;
    }

    private Task<?> decodeTask(Job job) {
        try {
            return (Task<?>) codec.decode(job.bytes, loader);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new IllegalStateException("the worker could not read task " + job.id + ": " + e
                    + " (is the class on the workers' class path and in the serialization allow-list?)", e);
        }
    }

    /**
     * A job running inline on the thread that read it has left the reader role free without waking the other thread
     * (for a tiny job that wake-up would cost more than the job); once the job has run for a flusher tick, the other
     * thread takes over reading, so CANCEL and INTERRUPT for it, and further frames, are read within 1-2 ms.
     */
    void wakeStandbyReader() {
        lock.lock();
        try {
            if (readerThread == null) {
                workAvailable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

}
