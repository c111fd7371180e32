package io.stratagem.process;

import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

import io.stratagem.TaskFunction;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The worker runs a task that finds it idle on the thread that read it, leaving stdin unread while it runs (see
 * {@code WorkerMain}): frames larger than a pipe's buffer in both directions at that moment must still all arrive.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolPipeTest {

    private final List<Strategy> pools = new ArrayList<>();

    @AfterEach
    void closeAll() {
        pools.forEach(Strategy::shutdownNow); // a stranded task must fail the test, not hang close()
        pools.forEach(Strategy::close);
    }

    static Task<byte[]> bigResult(int bytes, long cpuMillis) {
        return ctx -> {
            long end = System.nanoTime() + cpuMillis * 1_000_000;
            while (System.nanoTime() < end) {
                ctx.checkpoint();
            }
            byte[] b = new byte[bytes];
            b[bytes - 1] = 7;
            return b;
        };
    }

    static Task<Integer> sizeOf(byte[] payload) {
        return ctx -> payload.length;
    }

    static TaskFunction<Integer, Integer> inc() {
        return (x, ctx) -> x + 1;
    }

    /**
     * Bursts of chunks and of tiny tasks: the pool defers flushing a TASK frame to the worker's reader thread while
     * outcomes are still to come; if they have all come meanwhile, the frame must not stay in the buffer (it once
     * did, about one run in two of this, and the caller waited forever).
     */
    @RepeatedTest(2)
    void burstsOfSubmits_neverLeaveATaskUnsent() throws Exception {
        Strategy s = ProcessPoolStrategy.builder().workers(2).build();
        pools.add(s);
        List<Integer> inputs = IntStream.range(0, 20_000).boxed().toList();
        for (int round = 0; round < 15; round++) {
            List<Integer> out = s.map(inc(), inputs).get(30, TimeUnit.SECONDS);
            assertEquals(20_000, out.get(out.size() - 1));
            List<TaskHandle<Integer>> burst = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                burst.add(s.submit(sizeOf(new byte[i])));
            }
            for (int i = 0; i < burst.size(); i++) {
                assertEquals(i, burst.get(i).get(30, TimeUnit.SECONDS));
            }
        }
    }

    @RepeatedTest(3)
    void aLoneTaskWithAResultLargerThanThePipe_whileLargeTasksFloodItsWorker_allComplete() {
        Strategy s = ProcessPoolStrategy.builder().workers(1).build();
        pools.add(s);
        assertEquals(1, s.submit(sizeOf(new byte[1])).join()); // the worker is up and idle
        TaskHandle<byte[]> lone = s.submit(bigResult(4 << 20, 50)); // runs on the worker's reading thread
        List<TaskHandle<Integer>> flood = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            flood.add(s.submit(sizeOf(new byte[(256 << 10) + i]))); // each larger than a pipe's buffer
        }
        byte[] big = lone.join();
        assertEquals(4 << 20, big.length);
        assertEquals(7, big[big.length - 1]);
        for (int i = 0; i < flood.size(); i++) {
            assertEquals((256 << 10) + i, flood.get(i).join());
        }
    }
}
