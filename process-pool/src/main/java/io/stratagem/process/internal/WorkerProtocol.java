package io.stratagem.process.internal;

/**
 * The conversation between the pool (parent) and one worker JVM over the worker's stdin (parent to worker) and stdout
 * (worker to parent). Frames are described in {@link Frame}.
 *
 * <h2>Overview</h2>
 * <ol>
 *   <li><b>Handshake.</b> The worker writes {@code HELLO(magic, version)} first thing. The parent sends
 *       {@code INIT(version, codec, filter, initializer)} at once, without waiting for HELLO, so the worker never
 *       waits for it; it checks HELLO's magic and version (a mismatch is a start failure, never a guess) before it
 *       believes anything else the worker says. The worker's command line names its started-marks file
 *       ({@link StartedMarks}), which it maps while INIT is on its way. The worker installs the codec, runs the initializer once, and answers
 *       {@code READY}, or {@code INIT_FAILED(text)} and exits.</li>
 *   <li><b>Work.</b> The parent sends up to {@code inFlightPerWorker} {@code TASK(id, bytes)} frames without waiting,
 *       so the pipe's latency hides behind the work. The worker queues them and runs one at a time: before running
 *       a task it records its id in the shared {@link StartedMarks} and writes {@code STARTED(id)}, flushed with the
 *       outcome or within 1-2 ms (the marks tell the parent exactly which tasks a crash interrupted, flushed or
 *       not), then {@code RESULT(id, flags, cpu, bytes)} or {@code ERROR(id, flags, cpu, error)}.</li>
 *   <li><b>Cancellation.</b> {@code CANCEL(id)}: a task still queued in the worker is dropped and answered with
 *       {@code WITHDRAWN(id)}; a running one has its cancel flag set ({@code ctx.checkpoint()} throws). A CANCEL that
 *       overtakes its TASK is remembered. {@code INTERRUPT(id)} interrupts the task's thread if that task is still
 *       the one running. The parent kills the process if neither worked within the grace period.</li>
 *   <li><b>End.</b> {@code SHUTDOWN}: the worker exits once its queue is empty. End of stdin (the parent died) or a
 *       dead parent pid makes the worker halt at once.</li>
 * </ol>
 * Only frames go to the worker's real stdout: {@code System.out} inside a worker is redirected to stderr, which the
 * parent logs line by line, tagged with the worker id.
 */
public final class WorkerProtocol {
    private WorkerProtocol() {
    }

    public static final int MAGIC = 0x53545247; // "STRG"
    public static final int VERSION = 1;

    public static final byte HELLO = 1;
    public static final byte INIT = 2;
    public static final byte READY = 3;
    public static final byte INIT_FAILED = 4;
    public static final byte TASK = 5;
    public static final byte STARTED = 6;
    public static final byte RESULT = 7;
    public static final byte ERROR = 8;
    public static final byte WITHDRAWN = 9;
    public static final byte CANCEL = 10;
    public static final byte INTERRUPT = 11;
    public static final byte SHUTDOWN = 12;

    /**
     * The exit code of a worker that said READY but could not start its own threads (sent before them, to save the
     * first task milliseconds): the parent counts it as a failed start, towards the crash-loop stop, not as the
     * death of a ready worker, whose unstarted tasks would be sent to a replacement that fails the same way.
     */
    public static final int EXIT_START_FAILED = 71;

    /** RESULT/ERROR flag: the task's thread was interrupted by an INTERRUPT frame. */
    public static final byte FLAG_INTERRUPTED = 1;
    /** RESULT/ERROR flag: the task's cancel flag had been set by a CANCEL frame. */
    public static final byte FLAG_CANCEL_SEEN = 2;

    private static final String[] NAMES = {"?", "HELLO", "INIT", "READY", "INIT_FAILED", "TASK", "STARTED", "RESULT",
            "ERROR", "WITHDRAWN", "CANCEL", "INTERRUPT", "SHUTDOWN"};

    public static boolean isKnownType(byte type) {
        return type >= HELLO && type <= SHUTDOWN;
    }

    public static String typeName(byte type) {
        return isKnownType(type) ? NAMES[type] : "UNKNOWN(" + type + ")";
    }
}
