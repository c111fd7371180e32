package io.stratagem.classify;

import io.stratagem.Calibration;
import io.stratagem.Environment;
import io.stratagem.Semantics;
import io.stratagem.Task;
import io.stratagem.TaskContext;
import io.stratagem.TaskHandle;
import io.stratagem.internal.classify.AutoPlacer;
import io.stratagem.internal.classify.Observed;
import io.stratagem.internal.classify.ObservingTask;
import io.stratagem.spi.BasicTaskContext;
import io.stratagem.spi.TaskRun;
import io.stratagem.testkit.ReferenceStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** TaskContext#taskId() must equal TaskHandle#id() (TaskContext Javadoc) on the auto strategy too. */
@Timeout(30)
class AutoPlacerTaskIdTest {
    record Named<T>(String name, Task<T> body) implements Task<T> {
        @Override
        public T run(TaskContext ctx) throws Exception {
            return body.run(ctx);
        }
    }

    @Test
    void ctxTaskId_equalsHandleId() {
        Environment env = new Environment(1, Calibration.defaults().with(Map.of("workerStartNanos", 1e6)));
        CountDownLatch release = new CountDownLatch(1);
        try (AutoPlacer auto = new AutoPlacer(Semantics.JVM, env, b -> new ReferenceStrategy(b, Semantics.JVM, 2))) {
            TaskHandle<Long> first = auto.submit(new Named<>("k", ctx -> {
                release.await();
                return ctx.taskId();
            }));
            TaskHandle<Long> held = auto.submit(new Named<>("k", TaskContext::taskId)); // held: kind k not observed yet
            held.cancel(true);                                                            // never placed anywhere
            release.countDown();
            TaskHandle<Long> third = auto.submit(new Named<>("k", TaskContext::taskId));
            assertEquals(first.id(), first.join());
            assertEquals(third.id(), third.join(), "ctx.taskId() of the third task");
        }
    }

    @Test
    void ctxTaskId_isTheCallersId_inAWorkerProcessToo() throws Exception {
        ObservingTask<Long> sent = new ObservingTask<>(TaskContext::taskId, 7, null); // as placed on the pool
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sent);
        }
        @SuppressWarnings("unchecked")
        ObservingTask<Long> received = (ObservingTask<Long>) new ObjectInputStream(
                new ByteArrayInputStream(bytes.toByteArray())).readObject();
        TaskRun<Observed<Long>> inner = new TaskRun<>(99, received, ReferenceStrategy.NO_OWNER);
        inner.execute(new BasicTaskContext(inner));
        assertEquals(7L, inner.join().value(), "the id of the caller's handle, not the worker's task id");
    }
}
