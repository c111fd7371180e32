package io.stratagem.spi;

import io.stratagem.testkit.ReferenceStrategy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One stripe of the live set: whatever order runs are added and ended in, it holds exactly the added runs not yet
 * ended and counts them; compaction gives the memory of a burst back; and runs ended on other threads while the
 * submitting thread adds and compacts are all counted out and never reported live.
 */
class StripeTest {

    private static final TaskRun.Owner NO_OWNER = ReferenceStrategy.NO_OWNER;

    private static TaskRun<Object> run(long id) {
        return new TaskRun<>(id, ctx -> null, NO_OWNER);
    }

    /** What the strategy does when a run ends: its handle completes first, then it leaves the live set. */
    private static void end(Stripe stripe, TaskRun<?> r) {
        r.cancel(false); // a queued run: completes at once
        stripe.clear(r);
    }

    @Property(tries = 200)
    void addAndEnd_inAnyOrder_holdsExactlyTheLiveRuns(@ForAll @Size(max = 400) List<@IntRange(min = 0, max = 299) Integer> ops) {
        Stripe stripe = new Stripe();
        List<TaskRun<?>> runs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            runs.add(run(i));
        }
        Set<TaskRun<?>> model = new HashSet<>();
        Set<TaskRun<?>> ended = new HashSet<>();
        for (int op : ops) {
            TaskRun<?> r = runs.get(op);
            if (ended.contains(r)) {
                continue; // a run lives once
            }
            if (model.add(r)) {
                stripe.lock();
                try {
                    stripe.link(r);
                } finally {
                    stripe.unlock();
                }
            } else {
                end(stripe, r);
                model.remove(r);
                ended.add(r);
            }
            assertEquals(model, contents(stripe));
            assertEquals(model.size(), stripe.live());
        }
    }

    @Test
    void endingMostOfABurst_thenAddingAgain_givesTheMemoryBack() {
        Stripe stripe = new Stripe();
        List<TaskRun<?>> runs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            TaskRun<?> r = run(i);
            runs.add(r);
            stripe.link(r);
        }
        List<TaskRun<?>> shuffled = new ArrayList<>(runs);
        java.util.Collections.shuffle(shuffled, new Random(42));
        for (TaskRun<?> r : shuffled.subList(0, 9_990)) {
            end(stripe, r);
        }
        Set<TaskRun<?>> rest = new HashSet<>(shuffled.subList(9_990, 10_000));
        assertEquals(rest, contents(stripe));
        assertEquals(10, stripe.live());
        for (int i = 0; i < 20_000; i++) { // fill the array to its next compaction
            TaskRun<?> r = run(10_000 + i);
            stripe.link(r);
            end(stripe, r);
        }
        assertEquals(rest, contents(stripe));
        assertTrue(stripe.capacity() <= 64, "the burst's array was not given back: capacity " + stripe.capacity());
    }

    /**
     * The race the concurrent test below can only hit by chance, made deterministic: the ending thread read the run's
     * slot before a compaction moved the run, and that slot now holds another live run, which must stay.
     */
    @Test
    void endingARunThroughAStaleSlot_leavesTheRunNowInThatSlot() {
        Stripe stripe = new Stripe();
        TaskRun<?> moved = run(1);
        TaskRun<?> other = run(2);
        stripe.link(other);
        stripe.link(moved);
        assertEquals(1, moved.liveIndex);
        moved.cancel(false);
        moved.liveIndex = 0; // as if read before a compaction: slot 0 holds the other run now
        stripe.clear(moved);
        assertEquals(Set.of(other), contents(stripe), "the other run was removed through the stale slot");
        assertEquals(1, stripe.live());
    }

    /**
     * The submitting thread adds runs (compacting as the array fills) while two threads end them: every run ends
     * counted out, and none is reported live after it ended, whichever array its slot was in.
     */
    @RepeatedTest(20)
    void runsEndedOnOtherThreads_whileTheSubmitterCompacts_areAllCountedOut() throws Exception {
        Stripe stripe = new Stripe();
        int n = 60_000;
        BlockingQueue<TaskRun<?>> toEnd = new ArrayBlockingQueue<>(n);
        CountDownLatch done = new CountDownLatch(2);
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 2; t++) {
            Thread.ofPlatform().start(() -> {
                try {
                    for (TaskRun<?> r; (r = toEnd.poll(10, TimeUnit.SECONDS)) != null && r.id() >= 0; ) {
                        end(stripe, r);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    done.countDown();
                }
            });
        }
        List<TaskRun<?>> kept = new ArrayList<>();
        for (int i = 0; i < n - 2; i++) {
            TaskRun<?> r = run(i);
            stripe.lock();
            try {
                stripe.link(r);
            } finally {
                stripe.unlock();
            }
            if (i % 3 == 0) {
                kept.add(r); // these stay live
            } else {
                toEnd.add(r);
            }
        }
        toEnd.add(run(-1));
        toEnd.add(run(-1));
        assertTrue(done.await(30, TimeUnit.SECONDS), "the ending threads did not finish");
        assertEquals(List.of(), errors);
        assertEquals(kept.size(), stripe.live());
        stripe.lock();
        try {
            assertEquals(new HashSet<>(kept), contents(stripe));
        } finally {
            stripe.unlock();
        }
    }

    private static Set<TaskRun<?>> contents(Stripe stripe) {
        List<TaskRun<?>> out = new ArrayList<>();
        stripe.copyTo(out);
        Set<TaskRun<?>> set = new HashSet<>(out);
        assertEquals(out.size(), set.size(), "a run appears twice");
        return set;
    }
}
