package io.stratagem.classify;

import io.stratagem.testkit.ReferenceStrategy;
import io.stratagem.AutoStrategy;
import io.stratagem.Profile;
import io.stratagem.Semantics;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.internal.classify.AutoPlacer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wherever the auto strategy places them, tasks give the results a sequential run gives, and every one ends. */
class AutoPlacerPropertiesTest {

    @Property(tries = 25)
    void anyMixOfKinds_givesTheSequentialResults(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 5) Integer> kinds,
                                                 @ForAll Semantics semantics) {
        List<ReferenceStrategy> fakes = new ArrayList<>();
        AutoStrategy a = new AutoPlacer(semantics, AutoPlacerTest.ENV, b -> {
            ReferenceStrategy f = new ReferenceStrategy(b, semantics, 3);
            fakes.add(f);
            return f;
        });
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        try (a) {
            for (int i = 0; i < kinds.size(); i++) {
                hs.add(a.submit(task(kinds.get(i), i)));
            }
        }
        for (int i = 0; i < kinds.size(); i++) {
            assertEquals(i * 10 + kinds.get(i), hs.get(i).join());
        }
        assertEquals(kinds.size(), a.report().kinds().stream()
                .mapToLong(k -> k.placements().values().stream().mapToLong(Long::longValue).sum()).sum());
        fakes.forEach(f -> assertTrue(f.isTerminated()));
    }

    private static Task<Integer> task(int kind, int i) {
        int v = i * 10 + kind;
        return switch (kind) {
            case 0 -> Task.of("io", Profile.io(Duration.ofMillis(50)), ctx -> {
                ctx.sleep(Duration.ofMillis(1));
                return v;
            });
            case 1 -> Task.of("cpu", Profile.cpu(Duration.ofMillis(80)), ctx -> v);
            case 2 -> Task.of("big", Profile.cpu(Duration.ofMillis(5)).withPayload(8 << 20, 0), ctx -> v);
            case 3 -> Task.of("isolated", Profile.cpu(Duration.ofMillis(1)).isolated(), ctx -> v);
            case 4 -> ctx -> {
                ctx.checkpoint();
                return v;
            };
            default -> ctx -> {
                ctx.sleep(Duration.ofMillis(1));
                return v;
            };
        };
    }
}
