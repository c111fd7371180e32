package io.stratagem.process.internal;

import io.stratagem.CancellationStage;
import io.stratagem.Task;
import io.stratagem.TaskNotSerializableException;
import io.stratagem.process.TaskCodec;
import io.stratagem.spi.TaskRun;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.time.Duration;

/**
 * The pool's side of serialization: a task into bytes on the submitting thread (failing there, naming the class), and
 * a worker's RESULT, ERROR or WITHDRAWN frame into the end of its run. Thread-safe.
 */
final class PoolCodec {
    private final PoolConfig config;
    private final TaskCodec codec;
    private final JavaSerializationCodec errorCodec;
    private final ClassLoader loader;

    PoolCodec(PoolConfig config, ClassLoader loader) {
        this.config = config;
        this.errorCodec = new JavaSerializationCodec(config.filterPattern());
        this.codec = config.codec() != null ? config.codec() : errorCodec;
        this.loader = loader;
    }

    byte[] encodeTask(Task<?> task) {
        byte[] bytes;
        try {
            bytes = codec.encode(task);
        } catch (NotSerializableException e) {
            throw new TaskNotSerializableException(e.getMessage(), "found while serializing " + task.name(), e);
        } catch (InvalidClassException e) {
            throw new TaskNotSerializableException(e.classname, e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new TaskNotSerializableException(task.getClass().getName(), e.toString(), e);
        }
        if (bytes.length > config.maxFrameBytes() - 64) {
            throw new IllegalArgumentException("task " + task.name() + " is " + bytes.length + " bytes once serialized,"
                    + " more than maxFrameBytes (" + config.maxFrameBytes() + "); raise it or send less data");
        }
        return bytes;
    }

    @SuppressWarnings("unchecked")
    void complete(TaskRun<?> anyRun, Frame f) throws FrameException {
        TaskRun<Object> run = (TaskRun<Object>) anyRun;
        if (f.type() == WorkerProtocol.WITHDRAWN) {
            run.finishStopped(CancellationStage.NOT_STARTED); // no-op unless the parent had not withdrawn it yet
            return;
        }
        byte[] payload = f.payload();
        if (payload.length < 9) {
            throw new FrameException("a " + WorkerProtocol.typeName(f.type()) + " frame of " + payload.length + " bytes");
        }
        byte flags = payload[0];
        long cpu = 0;
        for (int i = 1; i <= 8; i++) {
            cpu = (cpu << 8) | (payload[i] & 0xFF);
        }
        byte[] body = java.util.Arrays.copyOfRange(payload, 9, payload.length);
        if (cpu >= 0) {
            run.recordCpuTime(Duration.ofNanos(cpu));
        }
        if (f.type() == WorkerProtocol.RESULT) {
            Object value;
            try {
                value = codec.decode(body, loader);
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                run.fail(new IllegalStateException("the result of task " + run.id() + " could not be read: " + e
                        + " (is its class on this class path and in the serialization allow-list?)", e));
                return;
            }
            run.succeed(value);
            return;
        }
        Throwable error;
        try {
            error = ErrorPayload.decode(body, errorCodec, loader);
        } catch (IOException e) {
            error = new IllegalStateException("task " + run.id() + " failed in the worker, and its error could not be read: " + e);
        }
        if (run.isStopRequested()) {
            run.finishStopped((flags & WorkerProtocol.FLAG_INTERRUPTED) != 0
                    ? CancellationStage.INTERRUPT : CancellationStage.CHECKPOINT);
        } else {
            run.fail(error);
        }
    }
}
