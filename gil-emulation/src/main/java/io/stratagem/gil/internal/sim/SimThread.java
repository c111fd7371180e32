package io.stratagem.gil.internal.sim;

import java.util.concurrent.Semaphore;

/** A scripted thread of the simulator: a real thread that runs only while it holds the baton. */
final class SimThread {
    final String name;
    final Semaphore go = new Semaphore(0);
    Thread thread;
    long token;
    boolean signalled;
    volatile boolean finished;
    volatile Throwable failure;

    SimThread(String name) {
        this.name = name;
    }
}
