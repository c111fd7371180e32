package io.stratagem.async;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Debug mode reports carrier pinning from JFR's jdk.VirtualThreadPinned. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PinningReportTest {

    /** Blocks in its static initializer: a virtual thread cannot unmount there (JDK 21 through 25), so it pins. */
    static final class BlocksInClassInit {
        static final int VALUE;

        static {
            try {
                new CountDownLatch(1).await(80, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            VALUE = 7;
        }

        private BlocksInClassInit() {
        }
    }

    @Test
    void debugMode_reportsAVirtualThreadThatPinsItsCarrier() {
        try (AsyncStrategy s = AsyncStrategy.builder().debug(true).slowStepThreshold(Duration.ofMillis(20)).build()) {
            assertEquals(0, s.pinnedEvents());
            assertEquals(7, s.submit(ctx -> BlocksInClassInit.VALUE).join());
            await().atMost(Duration.ofSeconds(30)).until(() -> s.pinnedEvents() > 0);
        }
    }

    @Test
    void withoutDebug_noMonitorRuns() {
        try (AsyncStrategy s = AsyncStrategy.builder().build()) {
            s.submit(ctx -> 1).join();
            assertEquals(0, s.pinnedEvents());
        }
    }
}
