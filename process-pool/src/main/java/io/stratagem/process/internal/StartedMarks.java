package io.stratagem.process.internal;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Which tasks a worker started whose STARTED frame may not have reached the pipe yet: a small file both processes map.
 * A worker records a task's id here (a memory store, no system call) before running it, and clears the list right
 * after each flush of its output, since by then every STARTED frame written so far is in the pipe. The page survives
 * the worker's death, so after a crash the pool reads the list and fails exactly the tasks that had started, while
 * re-queueing the rest, without the worker paying a flush per task.
 *
 * <p>Layout: {@code long count} then {@code count} task ids, big-endian. Written by the worker's runner and flushing
 * threads under the worker's write lock; a release fence orders the id's store before the count's, so a reader that
 * sees a count also sees the ids (the pool reads only after the process has died). Plain buffer stores and
 * {@link VarHandle#releaseFence()} rather than a byte-buffer view {@code VarHandle}: creating that view spins about
 * thirty method-handle classes, some 35 ms of a worker's start-up, on the path to its first result.
 */
final class StartedMarks {
    static final int CAPACITY = 64;
    private static final int BYTES = 8 + 8 * CAPACITY;

    private final MappedByteBuffer map;

    private StartedMarks(MappedByteBuffer map) {
        this.map = map;
    }

    /** Creates the file for a new worker (parent side). */
    static Path create() throws IOException {
        Path p = Files.createTempFile("stratagem-worker-", ".started");
        Files.write(p, new byte[BYTES]);
        return p;
    }

    /** Maps the file (worker side). */
    static StartedMarks open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new StartedMarks(ch.map(FileChannel.MapMode.READ_WRITE, 0, BYTES));
        }
    }

    /** Whether there is room for another id; if not, the caller flushes (which clears) first. */
    boolean full() {
        return map.getLong(0) >= CAPACITY; // only written under the caller's lock: a plain read suffices
    }

    void add(long id) {
        long n = map.getLong(0);
        map.putLong((int) (8 + 8 * n), id);
        VarHandle.releaseFence(); // the id before the count
        map.putLong(0, n + 1);
    }

    void clear() {
        VarHandle.releaseFence();
        map.putLong(0, 0L);
    }

    /** The ids recorded in {@code file} (parent side, after the worker died); empty if unreadable. */
    static Set<Long> read(Path file) {
        Set<Long> ids = new HashSet<>();
        try {
            byte[] b = Files.readAllBytes(file);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
            long n = buf.getLong(0);
            for (int i = 0; i < n && i < CAPACITY && 8 + 8 * i + 8 <= b.length; i++) {
                ids.add(buf.getLong(8 + 8 * i));
            }
        } catch (IOException | RuntimeException e) {
            return ids;
        }
        return ids;
    }
}
