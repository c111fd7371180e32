package io.stratagem.process.internal;

import io.stratagem.Task;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;

/**
 * Start-up work a worker JVM does on a second thread, while its main thread says HELLO and waits for INIT.
 *
 * <h2>Why</h2>
 * A fresh JVM pays tens of milliseconds the first time it touches certain JDK machinery: the method-handle and lambda
 * machinery (a task is usually a serializable lambda, rebuilt through {@code $deserializeLambda$}), which a worker's
 * first task needs, and the serialization filter's configuration ({@code ObjectInputFilter.Config}'s initialization
 * sets up a system logger, reads the security properties and looks up a filter factory, about 20 ms on JDK 25), which
 * only a value read through {@code ObjectInputStream} needs (the allow-list itself is matched by
 * {@link ClassPatterns}, without it). Done serially that sat on the path to the first result; done here, in that
 * order, it overlaps the handshake, and the main thread finds the classes initialized (or waits only for the
 * remainder of their initialization). Then it maps the {@link StartedMarks} file (mapping a file first initializes the JDK's
 * memory-segment support, another ~20 ms); until it has, the worker flushes each STARTED frame as it writes it, which
 * is exact without the marks, only slower. The {@link ThreadMXBean} (for per-task CPU time; {@code java.management} takes tens of
 * milliseconds to load) comes last, so it does not compete with the rest; tasks finished before it is ready report no
 * CPU time.
 *
 * <p>Apart from the marks, nothing here has an effect beyond initializing JDK classes: if it fails, the main thread
 * does the same work when it needs it, and reports any failure itself.
 */
final class WorkerWarmUp extends Thread {
    private final WorkerOutput output;
    private final Path marksFile;
    private volatile ThreadMXBean threadMx;

    WorkerWarmUp(WorkerOutput output, Path marksFile) {
        super("stratagem-worker-warm-up");
        setDaemon(true);
        this.output = output;
        this.marksFile = marksFile;
    }

    /** The thread-CPU bean, or null while it is still loading. */
    ThreadMXBean threadMx() {
        return threadMx;
    }

    /**
     * Sends a task-shaped serializable lambda (a {@link Task} capturing an int, like most tasks) through the codec a
     * worker reads tasks with, and runs it: the first read of a lambda spins the method-handle and lambda-form
     * classes of {@code $deserializeLambda$} and the alternate lambda metafactory, about 25 ms on JDK 25, which
     * otherwise sat on the path to the first result. In the AOT cache's training run the same work gets those forms
     * recorded into the cache, so later workers find them pre-generated.
     */
    static int roundTripLambda() throws Exception {
        JavaSerializationCodec codec = new JavaSerializationCodec(JavaSerializationCodec.allowList(List.of()));
        int one = 1;
        Task<Integer> task = ctx -> one + 1;
        @SuppressWarnings("unchecked")
        Task<Integer> back = (Task<Integer>) codec.decode(codec.encode(task), WorkerWarmUp.class.getClassLoader());
        return back.run(null);
    }

    @Override
    public void run() {
        try {
            roundTripLambda();
            ObjectInputFilter.Config.getSerialFilter(); // for ObjectInputStream, which initializes it (the costly part)
            Class.forName(CompositeForms.class.getName());
            Class.forName(ErrorPayload.class.getName());
        } catch (Exception | LinkageError e) {
            // only a warm-up: the main thread does the real work and reports real failures
        }
        try {
            output.installMarks(StartedMarks.open(marksFile));
        } catch (IOException | RuntimeException e) {
            System.err.println("stratagem worker: cannot map the started-marks file " + marksFile + " (" + e
                    + "); every STARTED frame is flushed as written instead");
        }
        try {
            threadMx = ManagementFactory.getThreadMXBean();
        } catch (RuntimeException | LinkageError e) {
            // without the bean tasks report no CPU time, as before it loads
        }
    }
}
