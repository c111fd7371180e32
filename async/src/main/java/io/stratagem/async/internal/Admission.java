package io.stratagem.async.internal;

import io.stratagem.spi.TaskRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Admission of runs to virtual threads under an optional concurrency limit and a bounded wait queue.
 *
 * <h2>Implementation overview</h2>
 * Without a limit every admitted run gets its own virtual thread at once. With a limit, {@code active} counts slots in
 * use (guarded by {@code lock}); a run that finds no free slot waits in {@code queue} (insertion-ordered, so runs start
 * in submission order, and O(1) removal when a queued run is withdrawn). A worker thread that ends its run takes the
 * next queued run itself instead of exiting, so the slot passes on without a new thread; it gives the slot back only
 * when the queue is empty. Invariant: {@code active <= limit}, and the queue is non-empty only while
 * {@code active == limit}.
 *
 * <p>{@code counts} counts worker threads started and exited, for termination: the live ones are the difference.
 * Starts and exits have cells of their own, striped by the id of the run a thread was started for, each cell on its
 * own cache line, so the submitting thread writes only start cells and the carriers only exit cells: one shared
 * counter, and later one cell per stripe for both, moved a line between cores for every task. A thread waiting for
 * the count to reach zero announces itself in {@code awaiting} before it sums the cells; an exiting thread counts
 * itself out first and signals only if it then sees a waiter, so either the waiter's sum sees the exit or the exiting
 * thread sees the waiter. The sum reads the exits before the starts, so it never misses a thread that is still live.
 *
 * <p>{@code shutdownNow} (in {@code AbstractStrategy}) withdraws every queued run before it stops a running one, so a
 * worker freed by a stop finds the queue already emptied and hands on no run that should be returned as never started.
 */
public final class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    private static final int STRIPES = 16;
    private static final int STRIDE = 8; // longs per 64-byte line

    private final String name;
    private final int limit;
    private final int capacity;
    private final boolean block;
    private final Consumer<Runnable> starter;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final LinkedHashMap<TaskRun<?>, VirtualTaskContext> queue = new LinkedHashMap<>();
    private final AtomicLongArray counts = new AtomicLongArray(2 * STRIPES * STRIDE); // starts, then exits
    private volatile int awaiting; // threads in awaitNoWorkers; written under lock, read by exiting threads without it
    private int active;

    public Admission(String name, int limit, int capacity, boolean block, Consumer<Runnable> starter) {
        this.name = name;
        this.limit = limit;
        this.capacity = capacity;
        this.block = block;
        this.starter = starter;
    }

    /**
     * Starts {@code run} now, queues it, or (queue full) rejects it or blocks until there is room.
     *
     * @throws RejectedExecutionException if the queue is full under REJECT, or the caller is interrupted under BLOCK
     */
    public void admit(VirtualTaskContext job) {
        TaskRun<?> run = job.taskRun();
        if (limit > 0) {
            lock.lock();
            try {
                while (true) {
                    if (run.isDone()) {
                        return; // withdrawn (shutdownNow, cancel) while we waited for room
                    }
                    if (active < limit) {
                        active++;
                        break;
                    }
                    if (queue.size() < capacity) {
                        queue.put(run, job);
                        return;
                    }
                    if (!block) {
                        throw new RejectedExecutionException(name + ": queue full (" + capacity + " tasks waiting for "
                                + limit + " slots); raise queueCapacity or use FullQueuePolicy.BLOCK");
                    }
                    try {
                        notFull.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException(name + ": interrupted while waiting for room in the queue", e);
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        counts.getAndIncrement(slot(run.id()));
        try {
            // without a limit the job itself is the thread's body (see VirtualTaskContext.run): fewer frames on
            // every parked virtual thread's stack, which is most of a waiting task's memory
            starter.accept(limit == 0 ? job : () -> work(job));
        } catch (RuntimeException | Error e) {
            giveBack(run.id());
            throw e;
        }
    }

    /** Drops a withdrawn run from the queue, if it is there. */
    public void withdraw(TaskRun<?> run) {
        if (limit == 0) {
            return;
        }
        lock.lock();
        try {
            queue.remove(run);
            notFull.signalAll(); // room, and a blocked submit of this very run must notice it is done
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} until no worker thread is left. */
    public boolean awaitNoWorkers(long nanos) throws InterruptedException {
        if (workerCount() == 0) {
            return true;
        }
        lock.lockInterruptibly();
        try {
            awaiting++;
            try {
                while (workerCount() > 0) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = idle.awaitNanos(nanos);
                }
                return true;
            } finally {
                awaiting--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called as a worker thread ends, with the id of the run it was started for. */
    void exited(long firstRunId) {
        counts.getAndIncrement(STRIPES * STRIDE + slot(firstRunId));
        if (awaiting != 0) {
            signalIdle();
        }
    }

    private long workerCount() {
        long exits = 0;
        for (int i = 0; i < STRIPES; i++) {
            exits += counts.get(STRIPES * STRIDE + i * STRIDE); // exits first: each was started before, so counted below
        }
        long starts = 0;
        for (int i = 0; i < STRIPES; i++) {
            starts += counts.get(i * STRIDE);
        }
        return starts - exits;
    }

    private static int slot(long runId) {
        return (int) (runId & (STRIPES - 1)) * STRIDE;
    }

    private void work(VirtualTaskContext first) {
        VirtualTaskContext job = first;
        long firstRunId = first.taskRun().id();
        try {
            while (job != null) {
                TaskRun<?> run = job.taskRun();
                try {
                    job.runTask();
                } catch (Error e) {
                    // defensive: TaskRun.execute never throws, but a slot must keep moving whatever happens
                    log.error("{}: task {} ended with an Error", name, run.id(), e);
                }
                lock.lock();
                try {
                    Map.Entry<TaskRun<?>, VirtualTaskContext> next = queue.pollFirstEntry();
                    if (next == null) {
                        active--;
                        job = null;
                    } else {
                        job = next.getValue();
                        notFull.signal();
                    }
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            exited(firstRunId);
        }
    }

    private void signalIdle() {
        lock.lock();
        try {
            idle.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void giveBack(long runId) {
        exited(runId);
        if (limit > 0) {
            lock.lock();
            try {
                active--;
            } finally {
                lock.unlock();
            }
        }
    }
}
