package io.stratagem.testkit;

import io.stratagem.TaskContext;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Coordination between a test and its tasks that works across processes: a gate tasks wait on and named markers they
 * leave, both as files in a temporary directory. A task waits by polling with {@link TaskContext#sleep} and
 * {@link TaskContext#checkpoint}, so it stays cancellable and releases the GIL while it waits.
 */
public record Gate(String dir) implements Serializable {

    private static final Duration POLL = Duration.ofMillis(1);

    /** A new, closed gate in a fresh temporary directory. */
    public static Gate create() {
        try {
            return new Gate(Files.createTempDirectory("stratagem-gate").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets every waiting task through. */
    public void open() {
        mark("open");
    }

    /** Whether the gate is open. */
    public boolean isOpen() {
        return marked("open");
    }

    /** Waits (cancellably) until the gate is open. */
    public void await(TaskContext ctx) {
        while (!isOpen()) {
            ctx.checkpoint();
            ctx.sleep(POLL);
        }
    }

    /** Leaves a marker named {@code name}. */
    public void mark(String name) {
        try {
            Files.createFile(Path.of(dir, name));
        } catch (java.nio.file.FileAlreadyExistsException ignored) {
            // idempotent
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a marker named {@code name} exists. */
    public boolean marked(String name) {
        return Files.exists(Path.of(dir, name));
    }

    /** How many markers start with {@code prefix}. */
    public long count(String prefix) {
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the directory and its markers. */
    public void delete() {
        try (Stream<Path> s = Files.walk(Path.of(dir))) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
