package io.stratagem.process.internal;

import java.io.ObjectInputFilter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Start-up work a worker JVM does on a second thread, while its main thread says HELLO and waits for INIT.
 *
 * <h2>Why</h2>
 * A fresh JVM pays tens of milliseconds the first time it touches certain JDK machinery, and a worker's first task
 * touches all of it: the serialization filter's configuration ({@code ObjectInputFilter.Config}'s initialization
 * sets up a system logger, a {@code ServiceLoader} lookup and the first {@code VarHandle}, about 40 ms measured on
 * JDK 25), and the method-handle and lambda machinery (a task is usually a serializable lambda, rebuilt through
 * {@code $deserializeLambda$}). Done serially that sat on the path to the first result; done here it overlaps the
 * handshake, and the main thread finds the classes initialized (or waits only for the remainder of their
 * initialization). The {@link ThreadMXBean} (for per-task CPU time; {@code java.management} takes tens of
 * milliseconds to load) comes last, so it does not compete with the rest; tasks finished before it is ready report no
 * CPU time.
 *
 * <p>Nothing here has an effect beyond initializing JDK classes: if it fails, the main thread does the same work
 * when it needs it, and reports any failure itself.
 */
final class WorkerWarmUp extends Thread {
    private volatile ThreadMXBean threadMx;

    WorkerWarmUp() {
        super("stratagem-worker-warm-up");
        setDaemon(true);
    }

    /** The thread-CPU bean, or null while it is still loading. */
    ThreadMXBean threadMx() {
        return threadMx;
    }

    @Override
    public void run() {
        try {
            ObjectInputFilter.Config.getSerialFilter(); // initializes the filter configuration (the costly part)
            Runnable lambda = (Runnable & java.io.Serializable) () -> { }; // the lambda metafactory, once
            lambda.run();
            Class.forName("java.lang.invoke.SerializedLambda");
            Class.forName(LambdaCodec.class.getName());
            Class.forName(CompositeForms.class.getName());
            Class.forName(ErrorPayload.class.getName());
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            // only a warm-up: the main thread does the real work and reports real failures
        }
        try {
            threadMx = ManagementFactory.getThreadMXBean();
        } catch (RuntimeException | LinkageError e) {
            // without the bean tasks report no CPU time, as before it loads
        }
    }
}
