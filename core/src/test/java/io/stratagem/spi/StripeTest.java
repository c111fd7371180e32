package io.stratagem.spi;

import io.stratagem.testkit.ReferenceStrategy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One stripe of the live set: whatever order runs are added and removed in, it holds exactly the added runs not yet
 * removed, and removing a run that is not there changes nothing.
 */
class StripeTest {

    private static final TaskRun.Owner NO_OWNER = ReferenceStrategy.NO_OWNER;

    private static TaskRun<Object> run(long id) {
        return new TaskRun<>(id, ctx -> null, NO_OWNER);
    }

    @Property(tries = 200)
    void linkAndUnlink_inAnyOrder_holdsExactlyTheLinkedRuns(@ForAll @Size(max = 300) List<@IntRange(min = 0, max = 99) Integer> ops) {
        Stripe stripe = new Stripe();
        List<TaskRun<?>> runs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            runs.add(run(i));
        }
        Set<TaskRun<?>> model = new HashSet<>();
        for (int op : ops) {
            TaskRun<?> r = runs.get(op);
            stripe.lock();
            try {
                if (model.add(r)) {
                    stripe.link(r);
                } else {
                    stripe.unlink(r);
                    model.remove(r);
                }
                stripe.unlink(runs.get((op * 7 + 3) % 100)); // a removal of a run that may not be there
                model.remove(runs.get((op * 7 + 3) % 100));
            } finally {
                stripe.unlock();
            }
            assertEquals(model, contents(stripe));
            assertEquals(model.size(), stripe.size);
        }
    }

    @Test
    void unlink_ofMostOfABurst_keepsTheRest() {
        Stripe stripe = new Stripe();
        List<TaskRun<?>> runs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            TaskRun<?> r = run(i);
            runs.add(r);
            stripe.link(r);
        }
        Random random = new Random(42);
        List<TaskRun<?>> shuffled = new ArrayList<>(runs);
        java.util.Collections.shuffle(shuffled, random);
        for (TaskRun<?> r : shuffled.subList(0, 9_990)) {
            stripe.unlink(r);
            stripe.unlink(r); // twice: the second finds it gone
        }
        Set<TaskRun<?>> rest = new HashSet<>(shuffled.subList(9_990, 10_000));
        assertEquals(rest, contents(stripe));
        assertEquals(10, stripe.size);
    }

    private static Set<TaskRun<?>> contents(Stripe stripe) {
        List<TaskRun<?>> out = new ArrayList<>();
        stripe.copyTo(out);
        Set<TaskRun<?>> set = new HashSet<>(out);
        assertEquals(out.size(), set.size(), "a run appears twice");
        return set;
    }
}
