package io.stratagem.process.internal;

import io.stratagem.Profile;
import io.stratagem.Task;
import io.stratagem.TaskContext;

import java.util.Optional;

/** A task its author marked safe to run again: the pool retries it on another worker if its worker crashes. */
public record IdempotentTask<T>(Task<T> body) implements Task<T> {
    @Override
    public T run(TaskContext ctx) throws Exception {
        return body.run(ctx);
    }

    @Override
    public Optional<Profile> profile() {
        return body.profile();
    }

    @Override
    public String name() {
        return body.name();
    }
}
