package io.stratagem.gil.internal.sim;

import io.stratagem.gil.internal.Substrate;

/**
 * A one-way channel of one-byte messages in the simulator (half of a socketpair): {@link #send()} never blocks and the
 * message becomes readable {@code latency} later; {@link #recv()} blocks until a message is readable. Wrap both in
 * {@code releasing}, as CPython's socket calls drop the GIL.
 */
public final class SimPipe {
    private final SimSubstrate sub;
    private final long latency;
    private final Substrate.Mutex m;
    private final Substrate.Cond readable;
    private long available;

    SimPipe(SimSubstrate sub, long latency) {
        this.sub = sub;
        this.latency = latency;
        this.m = sub.newMutex();
        this.readable = m.newCond();
    }

    public void send() {
        sub.at(sub.now() + latency, () -> {
            available++;
            readable.signal();
        });
    }

    public void recv() {
        m.lock();
        try {
            while (available == 0) {
                readable.awaitNanos(Long.MAX_VALUE);
            }
            available--;
        } finally {
            m.unlock();
        }
    }
}
