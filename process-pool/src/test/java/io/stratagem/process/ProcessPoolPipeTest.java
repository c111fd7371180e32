package io.stratagem.process;

import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
