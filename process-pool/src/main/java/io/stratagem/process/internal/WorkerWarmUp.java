package io.stratagem.process.internal;

import io.stratagem.Task;
import io.stratagem.TaskContext;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
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
 * CPU time. Then the thread becomes the worker's parent watch ({@link WorkerMain#haltWhenParentDies}): set up after
 * all the rest ({@code ProcessHandle} costs milliseconds), and off the main thread, which used to start a thread for it
 * between READY and reading the first task.
 *
 * <p>Apart from the marks and the parent watch, nothing here has an effect beyond initializing JDK classes: if it
 * fails, the main thread does the same work when it needs it, and reports any failure itself.
 */
final class WorkerWarmUp extends Thread {
    private final WorkerOutput output;
    private final Path marksFile;
    private final long parentPid;
    private volatile ThreadMXBean threadMx;

    WorkerWarmUp(WorkerOutput output, Path marksFile, long parentPid) {
        super("stratagem-worker-warm-up");
        setDaemon(true);
        this.output = output;
        this.marksFile = marksFile;
        this.parentPid = parentPid;
    }

    /** The thread-CPU bean, or null while it is still loading. */
    ThreadMXBean threadMx() {
        return threadMx;
    }

    /**
     * Reads a task-shaped serializable lambda (a {@link Task} capturing an int, like most tasks) through the codec a
     * worker reads tasks with, and runs it: the first read of a lambda spins the method-handle and lambda-form
     * classes of {@code $deserializeLambda$} and the alternate lambda metafactory, which otherwise sat on the path to
     * the first result. Only the read: the lambda's serialized form is put together from its implementation method
     * ({@link #taskShapedLambda}) instead of capturing the lambda and writing it, which spun a lambda class the worker
     * never uses and warmed up the writing side, which a worker does not use for tasks (capturing and writing were 10
     * of the 16 ms this took in a fresh worker on 2 vCPUs). In the AOT cache's training run the same work gets those
     * forms recorded into the cache, so later workers find them pre-generated.
     */
    static int roundTripLambda() throws Exception {
        JavaSerializationCodec codec = new JavaSerializationCodec(JavaSerializationCodec.allowList(List.of()));
        SerializedLambda form = taskShapedLambda();
        byte[] bytes = form != null ? codec.encodeLambda(form, TaskShape.class) : codec.encode(TaskShape.task(1));
        @SuppressWarnings("unchecked")
        Task<Integer> back = (Task<Integer>) codec.decode(bytes, WorkerWarmUp.class.getClassLoader());
        return back.run(null);
    }

    /**
     * Holds the lambda {@link #roundTripLambda} reads. A class of its own, not yet initialized when the lambda is read,
     * as a task's class usually is in a fresh worker: the method handle to its {@code $deserializeLambda$} then needs
     * the same lambda form (with a class-initialization check) as the first task's, and the warm-up spins it.
     */
    static final class TaskShape {
        private TaskShape() {
        }

        /** The lambda; captured only if its implementation method cannot be found ({@link #taskShapedLambda}). */
        static Task<Integer> task(int one) {
            return ctx -> one + 1;
        }
    }

    /**
     * {@link TaskShape#task}'s lambda as the JDK would write it, or null if its implementation method is not found
     * (compilers name it, e.g. javac's {@code lambda$task$...}): the one synthetic static method of that class taking
     * an int and a task context and returning an Integer. Reflection does not initialize the class.
     */
    static SerializedLambda taskShapedLambda() {
        for (Method m : TaskShape.class.getDeclaredMethods()) {
            if (m.isSynthetic() && Modifier.isStatic(m.getModifiers()) && m.getName().startsWith("lambda$")
                    && m.getReturnType() == Integer.class && m.getParameterCount() == 2
                    && m.getParameterTypes()[0] == int.class && m.getParameterTypes()[1] == TaskContext.class) {
                return new SerializedLambda(TaskShape.class, "io/stratagem/Task", "run",
                        "(Lio/stratagem/TaskContext;)Ljava/lang/Object;", MethodHandleInfo.REF_invokeStatic,
                        "io/stratagem/process/internal/WorkerWarmUp$TaskShape", m.getName(),
                        "(ILio/stratagem/TaskContext;)Ljava/lang/Integer;",
                        "(Lio/stratagem/TaskContext;)Ljava/lang/Integer;", new Object[]{1});
            }
        }
        return null;
    }

    @Override
    public void run() {
        try {
            warmUp();
        } catch (Throwable t) { // e.g. an OutOfMemoryError: said on stderr, and the thread still watches the parent
            WorkerMain.diagnose("the warm-up failed: " + t, null);
        }
        setName("stratagem-worker-parent-watch");
        WorkerMain.haltWhenParentDies(parentPid);
    }

    private void warmUp() {
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
            WorkerMain.diagnose("cannot map the started-marks file " + marksFile + " (" + e
                    + "); every STARTED frame is flushed as written instead", null);
        }
        try {
            threadMx = ManagementFactory.getThreadMXBean();
        } catch (RuntimeException | LinkageError e) {
            // without the bean tasks report no CPU time, as before it loads
        }
    }
}
