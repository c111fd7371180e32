package io.stratagem.process;

import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import io.stratagem.WorkerCrashedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * 10,000 tasks while workers die at random: SIGKILL from outside every 200 ms (of a worker up for at least 0.6 s), {@code Runtime.halt} from inside in
 * one task of 400. Every task must end exactly once, completed with its own value or failed with a crash; none may run
 * twice (each leaves a create-once marker file); and the pool must leave no child process behind.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class ProcessPoolChaosTest {

    @Test
    void tenThousandTasks_whileWorkersAreKilled_eachEndsOnceCompletedOrCrashed() throws IOException {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        System.err.println("ProcessPoolChaosTest seed=" + seed + " (rerun with -Dchaos.seed=" + seed + ")");
        Random rnd = new Random(seed);
        Path dir = Files.createTempDirectory("stratagem-chaos");
        int n = 10_000;
        AtomicIntegerArray completions = new AtomicIntegerArray(n);
        AtomicInteger kills = new AtomicInteger();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        Strategy pool = ProcessPoolStrategy.builder().workers(2).build();
        try {
            List<TaskHandle<Integer>> handles = new ArrayList<>(n);
            boolean[] halting = new boolean[n];
            killer.scheduleWithFixedDelay(() -> {
                // Workers that have been up for a while: killing every JVM while it starts tests the crash-loop
                // breaker (ProcessPoolFaultTest), not survival.
                java.time.Instant grown = java.time.Instant.now().minusMillis(600);
                List<ProcessHandle> kids = ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                        .filter(p -> p.info().startInstant().map(t -> t.isBefore(grown)).orElse(false)).toList();
                if (!kids.isEmpty()) {
                    kids.get(rnd.nextInt(kids.size())).destroyForcibly();
                    kills.incrementAndGet();
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            for (int i = 0; i < n; i++) {
                halting[i] = rnd.nextInt(400) == 0;
                Task<Integer> t = halting[i] ? PoolTasks.onceThenHalt(dir, i) : PoolTasks.once(dir, i, 500);
                TaskHandle<Integer> h = pool.submit(t);
                int idx = i;
                h.whenComplete((v, e) -> completions.incrementAndGet(idx));
                handles.add(h);
            }
            try {
                await().atMost(Duration.ofSeconds(120)).until(() -> handles.stream().allMatch(TaskHandle::isDone));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                List<String> stuck = handles.stream().filter(h -> !h.isDone()).limit(10)
                        .map(h -> h.id() + ":" + h.taskState()).toList();
                fail("not done: " + handles.stream().filter(h -> !h.isDone()).count() + " e.g. " + stuck
                        + "; kills=" + kills + "; pool=" + pool + " (seed " + seed + ")");
            }
            killer.shutdownNow();

            int ok = 0;
            int crashed = 0;
            for (int i = 0; i < n; i++) {
                TaskHandle<Integer> h = handles.get(i);
                try {
                    int v = h.join();
                    assertEquals(i, v, "task " + i + " got another task's value");
                    assertTrue(!halting[i], "a halting task cannot complete");
                    ok++;
                } catch (CompletionException e) {
                    if (!(e.getCause() instanceof WorkerCrashedException)) {
                        fail("task " + i + " failed with something other than a crash (seed " + seed + ")", e.getCause());
                    }
                    assertInstanceOf(WorkerCrashedException.class, e.getCause());
                    crashed++;
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(1, completions.get(i), "task " + i + " completed exactly once");
            }
            assertEquals(n, ok + crashed);
            assertTrue(crashed >= 1 && ok > n / 2, "ok=" + ok + " crashed=" + crashed + " kills=" + kills);
            assertTrue(kills.get() >= 3, "the killer must actually have killed workers: " + kills);
            System.err.println("chaos: " + ok + " completed, " + crashed + " crashed, " + kills + " SIGKILLs");
        } finally {
            killer.shutdownNow();
            pool.shutdownNow();
            pool.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
                "no child process after close");
    }
}
