package io.stratagem.spi;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stripe of the live set: the runs whose id maps here, as a doubly linked list through
 * {@link TaskRun#livePrev} and {@link TaskRun#liveNext}, newest first. {@code head} and the runs' links are read and
 * written only under this lock. {@code size} is also written only under it, but read without it by
 * {@link AbstractStrategy}'s {@code noneLive()} and {@code liveCount()}, hence volatile. Padded so that two stripes'
 * hot fields (and their locks' state, allocated right after each stripe) do not share a cache line.
 */
@SuppressWarnings("unused") // the padding fields
final class Stripe extends ReentrantLock {
    private long p0, p1, p2, p3, p4, p5, p6, p7;
    private TaskRun<?> head;
    volatile int size; // read by AbstractStrategy without the lock

    /**
     * Locks, spinning a little first: the lock is held for a few pointer writes, so a thread that finds it taken
     * gets it in well under a microsecond, far sooner than parking (and, for a virtual thread, unmounting and
     * copying its stack to the heap) would let it run again.
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

    void link(TaskRun<?> run) {
        TaskRun<?> h = head;
        run.liveNext = h;
        if (h != null) {
            h.livePrev = run;
        }
        head = run;
        size = size + 1; // only under the lock, so no lost update
    }

    /** Unlinks {@code run} if it is in this stripe (it always is, as {@code ended} comes once per linked run). */
    void unlink(TaskRun<?> run) {
        TaskRun<?> prev = run.livePrev;
        TaskRun<?> next = run.liveNext;
        if (prev == null) {
            if (head != run) {
                return; // not linked: nothing to do, and size must not drop
            }
            head = next;
        } else {
            prev.liveNext = next;
        }
        if (next != null) {
            next.livePrev = prev;
        }
        run.livePrev = null;
        run.liveNext = null;
        size = size - 1;
    }

    void copyTo(List<TaskRun<?>> out) {
        for (TaskRun<?> r = head; r != null; r = r.liveNext) {
            out.add(r);
        }
    }
}
