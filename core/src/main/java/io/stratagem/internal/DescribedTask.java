package io.stratagem.internal;

import io.stratagem.Profile;
import io.stratagem.Task;
import io.stratagem.TaskContext;

import java.util.Optional;

/** A task with a name and a declared profile around a body. */
public record DescribedTask<T>(String name, Profile declared, Task<T> body) implements Task<T> {

    @Override
    public T run(TaskContext ctx) throws Exception {
        return body.run(ctx);
    }

    @Override
    public Optional<Profile> profile() {
        return Optional.of(declared);
    }

    /**
     * The class name of a task: every execution of one lambda expression (one hidden class) shares it, so the auto
     * strategy can group observations by it. Stable for the life of the JVM.
     */
    public static String defaultName(Object task) {
        return task.getClass().getName();
    }
}
