package io.stratagem.process;

import io.stratagem.Semantics;
import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.process.internal.IdempotentTask;
import io.stratagem.process.internal.JavaSerializationCodec;
import io.stratagem.process.internal.PoolConfig;
import io.stratagem.process.internal.ProcessPool;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The process-pool backend: tasks run in separate worker JVMs, fed over pipes, as CPython's
 * {@code ProcessPoolExecutor} runs them in separate interpreters. Unlike CPython's pool, a worker that dies (exit,
 * halt, SIGKILL, out of memory) fails only the task it was running, with a {@link io.stratagem.WorkerCrashedException};
 * the worker is replaced and the pool stays usable.
 *
 * <pre>{@code
 * try (Strategy pool = ProcessPoolStrategy.builder().workers(4).heap("512m").build()) {
 *     TaskHandle<Long> h = pool.submit(ctx -> crunch(ctx));
 * }
 * }</pre>
 *
 * <p>Tasks (and what they capture) and results must be serializable and their classes must be on the workers' class
 * path (by default the caller's {@code java.class.path}) and in the serialization allow-list: the JDK's value and
 * collection types and {@code io.stratagem.**} are allowed; allow your own packages, including those that define
 * task lambdas, with {@code allowClasses("com.acme.**")}. {@code submit} serializes the task on the calling thread
 * and throws {@link io.stratagem.TaskNotSerializableException}, naming the class, if it cannot.
 *
 * <p>Thread-safe. {@code submit} never waits for the task; it waits for queue space only with
 * {@link QueuePolicy#BLOCK} and a full queue. Handles complete on the pool's reader threads: keep callbacks short.
 * Inside a worker, {@code System.out} goes to the worker's stderr, which the pool logs (logger
 * {@code io.stratagem.process.worker}, tagged with the worker id); JVM options that print to stdout (such as
 * {@code -Xlog} without an output) must name stderr or a file.
 *
 * <p>A task counts as started once it is handed to a worker: one sent ahead into a worker's own queue reports
 * {@code RUNNING}. Cancelling it asks the worker, and its handle completes as cancelled at stage {@code NOT_STARTED}
 * once the worker confirms it had not begun (or as the task's own outcome if it had): {@code NOT_STARTED} always
 * means the task never ran. {@code shutdownNow} returns the tasks still in the pool's own queue; those in a worker's
 * queue end cancelled, {@code NOT_STARTED}, but are not in the list. Cancelling never blocks on a worker.
 */
public final class ProcessPoolStrategy {
    private ProcessPoolStrategy() {
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    /** What {@code submit} does when the bounded submission queue is full. */
    public enum QueuePolicy {
        /** Wait for space (interruptibly: an interrupted wait throws {@code RejectedExecutionException}). */
        BLOCK,
        /** Throw {@code RejectedExecutionException} at once. */
        REJECT
    }

    /** Code run once in every worker JVM before its first task (load a native library, warm a cache). */
    @FunctionalInterface
    public interface Initializer extends Serializable {
        void initialize() throws Exception;
    }

    /** A new builder with the defaults documented on each setter. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Marks {@code task} as safe to run more than once: if its worker dies while running it, the pool runs it again on
     * another worker (up to {@link Builder#crashRetries} times) instead of failing it.
     */
    public static <T> Task<T> idempotent(Task<T> task) {
        return new IdempotentTask<>(Objects.requireNonNull(task, "task"));
    }

    /** Settings of a pool, validated by {@link #build()}. Not thread-safe; a builder may build several pools. */
    public static final class Builder {
        private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

        private String name;
        private Semantics semantics = Semantics.JVM;
        private int workers = Runtime.getRuntime().availableProcessors();
        private boolean eager;
        private String javaExecutable = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        private String classPath = System.getProperty("java.class.path");
        private final List<String> jvmOptions = new ArrayList<>();
        private String heap;
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Initializer initializer;
        private int maxTasksPerWorker;
        private Duration idleTimeout;
        private int queueCapacity = 100_000;
        private QueuePolicy queuePolicy = QueuePolicy.BLOCK;
        private int inFlightPerWorker = 64;
        private Duration cancelGrace = Duration.ofSeconds(2);
        private final List<String> allowed = new ArrayList<>();
        private String filter;
        private TaskCodec codec;
        private int maxFrameBytes = 64 << 20;
        private int crashRetries = 2;
        private int maxStartFailures = 3;
        private Duration startTimeout = Duration.ofSeconds(30);
        private String cdsArchive;
        private boolean automaticArchive = true;

        private Builder() {
        }

        /** A name for logs and thread names. Default {@code procpool-N}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Reported by {@link Strategy#semantics()}; processes are parallel in both worlds. Default JVM. */
        public Builder semantics(Semantics semantics) {
            this.semantics = semantics;
            return this;
        }

        /** Maximum number of worker JVMs, in [1, 256]. Default: available processors. */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Start every worker at {@code build()} (true) or on demand as work arrives (false, the default). */
        public Builder eager(boolean eager) {
            this.eager = eager;
            return this;
        }

        /** The {@code java} launcher for workers. Default: this JVM's own ({@code java.home/bin/java}). */
        public Builder javaExecutable(Path java) {
            this.javaExecutable = java == null ? null : java.toString();
            return this;
        }

        /** The workers' class path. Default: this JVM's {@code java.class.path}. */
        public Builder classPath(String classPath) {
            this.classPath = classPath;
            return this;
        }

        /** Extra JVM options for workers, after the defaults (serial GC, no perf data, exit on OOM, CDS). */
        public Builder jvmOptions(String... options) {
            for (String o : options) {
                jvmOptions.add(Objects.requireNonNull(o, "jvm option"));
            }
            return this;
        }

        /** Maximum heap of each worker ({@code -Xmx}), e.g. {@code "512m"}. Default: the JVM's default. */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        /** A system property set in every worker. */
        public Builder systemProperty(String key, String value) {
            systemProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** An environment variable set in every worker (added to this process's environment). */
        public Builder environment(String key, String value) {
            environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Runs once in every worker before its first task; if it throws, the worker counts as failing to start. */
        public Builder initializer(Initializer initializer) {
            this.initializer = initializer;
            return this;
        }

        /** Replace a worker after it has run this many tasks; 0 (the default) for never. */
        public Builder maxTasksPerWorker(int max) {
            this.maxTasksPerWorker = max;
            return this;
        }

        /** Retire a worker idle this long (it is started again on demand); null (the default) for never. */
        public Builder idleTimeout(Duration idle) {
            this.idleTimeout = idle;
            return this;
        }

        /** Bound of the submission queue (tasks not yet sent to a worker) and the policy when full. Default 100,000, BLOCK. */
        public Builder queue(int capacity, QueuePolicy policy) {
            this.queueCapacity = capacity;
            this.queuePolicy = policy;
            return this;
        }

        /**
         * Upper bound of tasks sent ahead to each worker, to hide the pipe's latency, in [1, 1024]. Default 64. The
         * pool keeps about 2 ms of work (at the observed average run time) in each worker, at least 2 tasks, so long
         * tasks are sent two at a time and tiny ones in batches; until a first task has finished, one at a time.
         */
        public Builder inFlightPerWorker(int n) {
            this.inFlightPerWorker = n;
            return this;
        }

        /**
         * How long {@code cancel(true)} (or a timeout) waits for a running task to stop before killing its worker; the
         * task's thread is interrupted at half of it. In [10 ms, 10 min]. Default 2 s.
         */
        public Builder cancelGrace(Duration grace) {
            this.cancelGrace = grace;
            return this;
        }

        /**
         * Adds {@code ObjectInputFilter} patterns (e.g. {@code "com.acme.**"}) to the allow-list of classes that may
         * cross the pipe. Always allowed: {@value JavaSerializationCodec#BASE_ALLOW_LIST}.
         */
        public Builder allowClasses(String... patterns) {
            for (String p : patterns) {
                allowed.add(Objects.requireNonNull(p, "pattern"));
            }
            return this;
        }

        /** Replaces the whole serialization filter with a JEP 290 pattern (overrides {@link #allowClasses}). */
        public Builder serializationFilter(String pattern) {
            this.filter = pattern;
            return this;
        }

        /** Encodes tasks and results with {@code codec} instead of Java serialization. */
        public Builder codec(TaskCodec codec) {
            this.codec = codec;
            return this;
        }

        /** Largest frame on the pipe, in [1 KiB, 1 GiB]; larger tasks are refused at submit. Default 64 MiB. */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        /** How often an {@link #idempotent} task is retried after crashes, in [0, 100]. Default 2. */
        public Builder crashRetries(int retries) {
            this.crashRetries = retries;
            return this;
        }

        /** Consecutive workers dying before ready after which the pool gives up, in [1, 100]. Default 3. */
        public Builder maxStartFailures(int n) {
            this.maxStartFailures = n;
            return this;
        }

        /** How long a worker may take to become ready (JVM start plus initializer). Default 30 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * A class-data-sharing archive for workers ({@code -XX:SharedArchiveFile}), e.g. one written by
         * {@code -XX:ArchiveClassesAtExit} from a worker run; it cuts worker start-up. Default none (the JDK's own).
         */
        public Builder classDataSharingArchive(Path archive) {
            this.cdsArchive = archive == null ? null : archive.toString();
            return this;
        }

        /**
         * Whether workers use an automatic ahead-of-time cache (JDK 25+): the first worker that finds none for this
         * exact JDK, class path and JVM options trains one (its exit takes a second or two longer, once), later workers,
         * in this and later runs, start with it (about 20 ms sooner measured, of ~80). Kept per user in
         * {@code $XDG_CACHE_HOME/stratagem} or {@code ~/.cache/stratagem} (system property
         * {@code stratagem.worker.cacheDir} overrides). Off by itself for a class path with directories, another
         * {@code java}, an explicit {@link #classDataSharingArchive}, or CDS/AOT options in {@link #jvmOptions}.
         * Default true.
         */
        public Builder automaticArchive(boolean enabled) {
            this.automaticArchive = enabled;
            return this;
        }

        /**
         * A new pool. Starts the workers now if {@link #eager}.
         *
         * @throws IllegalArgumentException naming the field, its value and the accepted range, if a setting is invalid
         */
        public Strategy build() {
            range("workers", workers, 1, 256);
            range("maxTasksPerWorker", maxTasksPerWorker, 0, Integer.MAX_VALUE);
            range("queueCapacity", queueCapacity, 1, 10_000_000);
            range("inFlightPerWorker", inFlightPerWorker, 1, 1024);
            range("maxFrameBytes", maxFrameBytes, 1024, 1 << 30);
            range("crashRetries", crashRetries, 0, 100);
            range("maxStartFailures", maxStartFailures, 1, 100);
            Objects.requireNonNull(semantics, "semantics");
            Objects.requireNonNull(queuePolicy, "queuePolicy");
            duration("cancelGrace", cancelGrace, Duration.ofMillis(10), Duration.ofMinutes(10));
            duration("startTimeout", startTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
            if (idleTimeout != null) {
                duration("idleTimeout", idleTimeout, Duration.ofMillis(10), Duration.ofDays(1));
            }
            if (heap != null && !HEAP.matcher(heap).matches()) {
                throw new IllegalArgumentException("heap must look like 512m, 2g or 1048576 (a -Xmx size), was '" + heap + "'");
            }
            if (javaExecutable == null || !Files.isExecutable(Path.of(javaExecutable))) {
                throw new IllegalArgumentException("javaExecutable must be an executable java launcher, was " + javaExecutable);
            }
            if (classPath == null || classPath.isBlank()) {
                throw new IllegalArgumentException("classPath must not be empty, was '" + classPath + "'");
            }
            for (String o : jvmOptions) {
                if (!o.startsWith("-")) {
                    throw new IllegalArgumentException("jvmOptions must each start with '-', was '" + o + "'");
                }
            }
            if (cdsArchive != null && !Files.isReadable(Path.of(cdsArchive))) {
                throw new IllegalArgumentException("classDataSharingArchive must be a readable file, was " + cdsArchive);
            }
            if (name != null && (name.isBlank() || name.length() > 64)) {
                throw new IllegalArgumentException("name must be 1 to 64 characters, was '" + name + "'");
            }
            String pattern = filter != null ? filter : JavaSerializationCodec.allowList(allowed);
            JavaSerializationCodec java;
            try {
                java = new JavaSerializationCodec(pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("serializationFilter is not a valid JEP 290 pattern: '" + pattern
                        + "': " + e.getMessage(), e);
            }
            byte[] init = null;
            if (initializer != null) {
                try {
                    init = java.encode(initializer);
                } catch (IOException e) {
                    throw new IllegalArgumentException("initializer must be serializable: " + e, e);
                }
            }
            if (codec != null) {
                try {
                    codec.getClass().getConstructor();
                } catch (NoSuchMethodException e) {
                    throw new IllegalArgumentException("codec " + codec.getClass().getName()
                            + " must have a public no-argument constructor (workers create their own instance)");
                }
            }
            PoolConfig config = new PoolConfig(name != null ? name : "procpool-" + POOLS.incrementAndGet(), semantics,
                    workers, eager, javaExecutable, classPath, List.copyOf(jvmOptions), heap, Map.copyOf(systemProperties),
                    Map.copyOf(environment), init, maxTasksPerWorker, idleTimeout, queueCapacity, queuePolicy,
                    inFlightPerWorker, cancelGrace, pattern, codec, maxFrameBytes, crashRetries, maxStartFailures,
                    startTimeout, cdsArchive, automaticArchive);
            return new ProcessPool(config);
        }

        private static void range(String field, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", was " + value);
            }
        }

        private static void duration(String field, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", was " + value);
            }
        }
    }
}
