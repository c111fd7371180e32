package io.stratagem.testkit;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.spi.AbstractStrategy;
import io.stratagem.spi.BasicTaskContext;
import io.stratagem.spi.TaskRun;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The smallest honest backend: a fixed set of platform threads taking runs from a queue. It proves the contract kit
 * and {@link AbstractStrategy} on their own, and stands in for a real backend wherever a test needs one that does
 * not depend on a backend module (the auto strategy's tests, the lab's tests), labelled as the backend it replaces.
 */
public final class ReferenceStrategy extends AbstractStrategy {

    /** An owner that does nothing: for runs that tests drive by hand. */
    public static final TaskRun.Owner NO_OWNER = new TaskRun.Owner() {
        @Override
        public void withdrawn(TaskRun<?> run) {
        }

        @Override
        public void stopRequested(TaskRun<?> run, boolean mayInterrupt) {
        }

        @Override
        public void ended(TaskRun<?> run) {
        }
    };
    private static final TaskRun<?> STOP = new TaskRun<>(-1, ctx -> null, NO_OWNER);

    private final BlockingQueue<TaskRun<?>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    /** A reference pool of {@code parallelism} threads, labelled {@code GIL_THREADS} under {@code JVM} semantics. */
    public ReferenceStrategy(int parallelism) {
        this(Backend.GIL_THREADS, Semantics.JVM, parallelism);
    }

    /** A reference pool of {@code parallelism} threads standing in for {@code backend} under {@code semantics}. */
    public ReferenceStrategy(Backend backend, Semantics semantics, int parallelism) {
        super("reference-" + backend, backend, semantics);
        for (int i = 0; i < parallelism; i++) {
            Thread t = new Thread(this::work, "reference-" + backend + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void work() {
        while (true) {
            TaskRun<?> run;
            try {
                run = queue.take();
            } catch (InterruptedException e) {
                continue; // a stale interrupt aimed at a finished task; only STOP ends a worker
            }
            if (run == STOP) {
                return;
            }
            run.execute(new BasicTaskContext(run));
        }
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        queue.add(run);
    }

    @Override
    protected void release() {
        for (int i = 0; i < threads.size(); i++) {
            queue.add(STOP);
        }
    }

    @Override
    protected boolean awaitReleased(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
