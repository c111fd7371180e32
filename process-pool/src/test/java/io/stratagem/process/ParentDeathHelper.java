package io.stratagem.process;

import io.stratagem.Strategy;

/** Run as its own JVM by {@link ProcessPoolParentDeathTest}: starts a pool, parks a task in a worker, waits to be killed. */
public final class ParentDeathHelper {
    private ParentDeathHelper() {
    }

    public static void main(String[] args) throws Exception {
        Strategy pool = ProcessPoolStrategy.builder().workers(1).build();
        pool.submit(PoolTasks.writePidThenSleep(args[0]));
        new java.util.concurrent.CountDownLatch(1).await(); // until killed
    }
}
