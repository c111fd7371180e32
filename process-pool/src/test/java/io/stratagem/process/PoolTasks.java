package io.stratagem.process;

import io.stratagem.Task;
import io.stratagem.testkit.Gate;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Tasks for the pool's own tests, built in static methods so that each lambda captures only serializable values. */
final class PoolTasks {
    private PoolTasks() {
    }

    static Task<Integer> exit(int code) {
        return ctx -> {
            System.exit(code);
            return -1;
        };
    }

    static Task<Integer> halt(int code, String lastWords) {
        return ctx -> {
            System.err.println(lastWords);
            System.err.flush();
            Runtime.getRuntime().halt(code);
            return -1;
        };
    }

    /** Marks {@code started-<id>}, then spins with no checkpoint and no interrupt check: only a kill stops it. */
    static Task<Integer> spinForever(Gate gate, String id) {
        return ctx -> {
            gate.mark("started-" + id);
            long sink = 1;
            while (sink != 0) {
                sink = sink * 6364136223846793005L + 1442695040888963407L;
                if (sink == 42) {
                    break;
                }
            }
            return (int) sink;
        };
    }

    /** Marks {@code started-<id>}, then blocks on a latch nobody opens (ignores checkpoints): an interrupt stops it. */
    static Task<Integer> threadSleepForever(Gate gate, String id) {
        return ctx -> {
            gate.mark("started-" + id);
            new java.util.concurrent.CountDownLatch(1).await();
            return 0;
        };
    }

    static Task<Integer> allocateUntilOom() {
        return ctx -> {
            List<long[]> hog = new ArrayList<>();
            while (true) {
                hog.add(new long[1 << 20]);
                if (hog.size() == Integer.MAX_VALUE) {
                    return hog.size();
                }
            }
        };
    }

    /** Halts its worker the first time it runs (leaving a marker), returns {@code v} the second time. */
    static Task<Integer> crashOnce(Gate gate, String id, int v) {
        return ctx -> {
            if (!gate.marked("crashed-" + id)) {
                gate.mark("crashed-" + id);
                Runtime.getRuntime().halt(5);
            }
            return v;
        };
    }

    /** Writes garbage straight to the worker's protocol stream, then waits to be killed. */
    static Task<Integer> corruptProtocol() {
        return ctx -> {
            FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
            raw.write(new byte[]{0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9});
            raw.flush();
            ctx.sleep(java.time.Duration.ofMinutes(5));
            return 0;
        };
    }

    static Task<Integer> printLots(int lines, int v) {
        return ctx -> {
            for (int i = 0; i < lines; i++) {
                System.out.println("noise line " + i + " \u0000\u0001\u00ff binary-ish");
            }
            System.out.flush();
            return v;
        };
    }

    static Task<Long> workerPid() {
        return ctx -> ProcessHandle.current().pid();
    }

    static Task<String> systemProperty(String key) {
        return ctx -> System.getProperty(key);
    }

    static Task<String> environment(String key) {
        return ctx -> System.getenv(key);
    }

    /** Runs at most once per id: a second execution fails loudly. Spins about {@code micros}. */
    static Task<Integer> once(Path dir, int i, long micros) {
        String d = dir.toString();
        return ctx -> {
            try {
                Files.createFile(Path.of(d, "ran-" + i));
            } catch (FileAlreadyExistsException e) {
                throw new IllegalStateException("task " + i + " ran twice");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long end = System.nanoTime() + micros * 1000;
            while (System.nanoTime() < end) {
                ctx.checkpoint();
            }
            return i;
        };
    }

    /** An exception whose class the caller's allow-list does not admit. */
    static Task<Integer> throwAwtException(String message) {
        return ctx -> {
            throw new java.awt.AWTException(message);
        };
    }

    /** An exception that cannot be serialized at all. */
    static Task<Integer> throwUnserializable(String message) {
        return ctx -> {
            throw new UnserializableException(message);
        };
    }

    static final class UnserializableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("unused")
        private final Object notSerializable = new Object();

        UnserializableException(String message) {
            super(message);
        }
    }

    static Task<Object> unserializableResult() {
        return ctx -> new Object();
    }

    static Task<Integer> cpuFor(long millis) {
        return ctx -> {
            long end = System.nanoTime() + millis * 1_000_000;
            int n = 0;
            while (System.nanoTime() < end) {
                n++;
            }
            return n;
        };
    }

    /** Leaves its once-marker, then halts its worker from inside. */
    static Task<Integer> onceThenHalt(Path dir, int i) {
        String d = dir.toString();
        return ctx -> {
            Files.createFile(Path.of(d, "ran-" + i));
            Runtime.getRuntime().halt(1);
            return i;
        };
    }

    /** Writes the worker's pid to {@code file}, then sleeps for an hour. */
    static Task<Integer> writePidThenSleep(String file) {
        return ctx -> {
            Files.writeString(Path.of(file), Long.toString(ProcessHandle.current().pid()));
            ctx.sleep(java.time.Duration.ofHours(1));
            return 0;
        };
    }

    /** Starts a {@code sleep} process (a child of the worker), writes its pid to {@code file}, then spins forever. */
    static Task<Integer> spawnChildThenSpin(String file) {
        return ctx -> {
            Process child = new ProcessBuilder("sleep", "600").start();
            Files.writeString(Path.of(file), Long.toString(child.pid()));
            while (true) {
                Thread.onSpinWait(); // ignores checkpoints and interrupts: only a kill stops it
            }
        };
    }

    /** The worker JVM's command-line arguments. */
    static Task<String> jvmArguments() {
        return ctx -> String.join(" ", ProcessHandle.current().info().arguments().orElse(new String[0]));
    }
}
