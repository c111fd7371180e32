package io.stratagem.benchmarks.async;

import io.stratagem.Backend;
import io.stratagem.Semantics;
import io.stratagem.spi.AbstractStrategy;
import io.stratagem.spi.BasicTaskContext;
import io.stratagem.spi.TaskRun;

import java.util.concurrent.ThreadFactory;

/**
 * The floor any backend built on core's {@link AbstractStrategy} pays: a virtual thread per task running
 * {@link TaskRun#execute} with a {@link BasicTaskContext}, and nothing else (no limit, no stats, no modes). The
 * benchmark runs it beside {@code AsyncStrategy} and the raw executor to tell core's share of the overhead from the
 * async module's.
 */
final class BareCoreStrategy extends AbstractStrategy {

    private final ThreadFactory threads = Thread.ofVirtual().name("bare-core").factory();

    BareCoreStrategy() {
        super("bare-core", Backend.ASYNC, Semantics.JVM);
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        threads.newThread(() -> run.execute(new BasicTaskContext(run))).start();
    }

    @Override
    protected void release() {
    }
}
