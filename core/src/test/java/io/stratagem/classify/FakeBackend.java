package io.stratagem.classify;

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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a real backend in the auto strategy's tests: platform threads taking runs from a queue, labelled
 * with the backend it pretends to be. Created programmatically (never through a service file, so the backends'
 * tests, which load core's test-jar, never see it).
 */
final class FakeBackend extends AbstractStrategy {

    private static final TaskRun<?> STOP = new TaskRun<>(-1, ctx -> null, new TaskRun.Owner() {
        @Override
        public void withdrawn(TaskRun<?> run) {
        }

        @Override
        public void stopRequested(TaskRun<?> run, boolean mayInterrupt) {
        }

        @Override
        public void ended(TaskRun<?> run) {
        }
    });

    final AtomicInteger executed = new AtomicInteger();
    private final BlockingQueue<TaskRun<?>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    FakeBackend(Backend backend, Semantics semantics, int parallelism) {
        super("fake-" + backend, backend, semantics);
        for (int i = 0; i < parallelism; i++) {
            Thread t = new Thread(this::work, "fake-" + backend + "-" + i);
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
            executed.incrementAndGet();
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
