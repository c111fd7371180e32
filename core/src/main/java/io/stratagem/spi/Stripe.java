package io.stratagem.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stripe of the live set: the runs whose id maps here, in an array of slots, each run knowing its own slot
 * ({@link TaskRun#liveIndex}).
 *
 * <p>Only the submitting side takes this lock: {@link #link} appends under it, and when the array is full compacts
 * it first (dropping cleared slots and runs already done) into an array of about twice the runs still live. The side
 * that ends a run does not lock: {@link #clear} empties the run's slot with one compare-and-set and counts the run
 * out in {@code ended}. A run whose slot moved meanwhile (a compaction copied it while it was ending) stays in the
 * new array, done, until the next compaction drops it; readers skip runs that are done. So a run's end touches the
 * shared structure once, where a lock and a list or array edit touched it twice. After a burst the array keeps its
 * length, its slots emptied, until the stripe next fills it and compaction sizes it to the runs still live.
 *
 * <p>{@code linked} is written only under the lock and {@code ended} only by atomic increments; both are read
 * without the lock by {@link AbstractStrategy}'s {@code noneLive()} and {@code liveCount()}. Each sits on its own
 * cache line, as the submitting thread writes the one and the threads ending runs the other.
 */
@SuppressWarnings("unused") // the padding fields
final class Stripe extends ReentrantLock {
    private static final int MIN_CAPACITY = 16;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(TaskRun[].class);
    private static final VarHandle ENDED;

    static {
        try {
            ENDED = MethodHandles.lookup().findVarHandle(Stripe.class, "ended", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long p0, p1, p2, p3, p4, p5, p6, p7;
    private volatile TaskRun<?>[] slots = new TaskRun<?>[MIN_CAPACITY]; // replaced only under the lock
    private int used; // slots[0..used) have been filled since the last compaction; under the lock
    volatile long linked; // runs ever added; written only under the lock
    private long q0, q1, q2, q3, q4, q5, q6, q7;
    volatile long ended; // runs ever cleared; atomic increments by the threads ending runs
    private long r0, r1, r2, r3, r4, r5, r6, r7;

    /**
     * Locks, spinning a little first: the lock is held for a few writes, so a thread that finds it taken gets it in
     * well under a microsecond, far sooner than parking would let it run again.
     */
    void lockBriefly() {
        for (int spins = 0; !tryLock(); spins++) {
            if (spins == 100) {
                lock();
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** Adds {@code run}, which must not be in any stripe; under the lock. Amortized O(1). */
    void link(TaskRun<?> run) {
        TaskRun<?>[] a = slots;
        if (used == a.length) {
            a = compact(a);
        }
        a[used] = run; // published to the ending side by the hand-off of the run to its backend, after the unlock
        run.liveIndex = used++;
        linked = linked + 1; // only under the lock, so no lost update
    }

    /** Removes {@code run}, called once when it has ended; no lock. O(1). */
    void clear(TaskRun<?> run) {
        TaskRun<?>[] a = slots;
        int i = run.liveIndex;
        if (i < a.length) {
            SLOT.compareAndSet(a, i, run, null); // fails only if a compaction moved the run: it then drops it later
        }
        ENDED.getAndAdd(this, 1L);
    }

    /**
     * Runs added and not yet cleared: exact once no run is being added (after shutdown), never below the runs live
     * throughout the call otherwise.
     */
    long live() {
        long e = ended; // first: every run counted here was added before it ended, so the read of linked counts it
        return linked - e;
    }

    /** How many runs the array can hold now (for tests: memory is given back by compaction). */
    int capacity() {
        return slots.length;
    }

    /** Adds the runs of this stripe that are not done yet to {@code out}; under the lock. */
    void copyTo(List<TaskRun<?>> out) {
        TaskRun<?>[] a = slots;
        for (int i = 0; i < used; i++) {
            TaskRun<?> r = (TaskRun<?>) SLOT.getVolatile(a, i);
            if (r != null && !r.isDone()) {
                out.add(r);
            }
        }
    }

    private TaskRun<?>[] compact(TaskRun<?>[] a) {
        // live() bounds the runs not done: no run is added meanwhile (this lock), and a run is counted out only once
        // its handle is done, so the copy below finds at most that many
        int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit((int) Math.max(1, live())) * 4); // > twice the live
        TaskRun<?>[] b = new TaskRun<?>[capacity];
        int n = 0;
        for (int i = 0; i < used; i++) {
            TaskRun<?> r = (TaskRun<?>) SLOT.getVolatile(a, i);
            if (r != null && !r.isDone()) {
                b[n] = r;
                r.liveIndex = n++;
            }
        }
        used = n;
        slots = b; // volatile: the ending side reads the new array (or CASes the old one, which no one reads again)
        return b;
    }
}
