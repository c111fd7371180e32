package io.stratagem.process.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The automatic ahead-of-time cache that cuts a worker JVM's start-up (JDK 25+, JEP 483/514/515).
 *
 * <h2>Overview</h2>
 * A worker's start is mostly the JVM loading, linking and initializing the same few hundred classes every time (the
 * protocol, serialization, the lambda machinery), then interpreting cold code. An AOT cache holds those classes
 * already loaded and linked, and the method profiles of a training run. The first worker of a pool that finds no cache
 * for its exact set-up is the training run: it starts with {@code -XX:AOTCacheOutput} pointing at a private temporary
 * file, and when it exits the JVM writes the cache there (in a child JVM the worker waits for: that worker's exit takes
 * a second or two longer, once). When the worker is gone the file is moved atomically to its final name, so a worker
 * never maps a half-written cache; later workers, in this JVM and in later runs, start with {@code -XX:AOTCache}.
 *
 * <p>The cache's name is a hash of everything the JVM validates it against (the JDK, the class path with each jar's
 * size and modification time, the JVM options), so a rebuilt jar or another option means another file, never a stale
 * one; the JVM checks again on mapping and, on any mismatch, starts without the cache and says so on stderr. The cache
 * lives in the per-user cache directory ({@code $XDG_CACHE_HOME/stratagem}, else {@code ~/.cache/stratagem}; the
 * system property {@code stratagem.worker.cacheDir} overrides it).
 *
 * <p>It is off when it cannot help or could conflict: a JDK older than 25 or another {@code java} than this JVM's
 * own (the options' availability is judged from this JVM), a class path with a directory (the JVM archives classes
 * from jars only), an explicit {@code classDataSharingArchive}, or JVM options that already choose CDS or AOT
 * ({@code -Xshare}, {@code -XX:SharedArchiveFile}, {@code -XX:AOT...}, ...). Thread-safe.
 */
final class WorkerArchive {
    private static final Logger log = LoggerFactory.getLogger(WorkerArchive.class);

    /** Options that choose CDS or AOT themselves; with any of them the user decides. */
    private static final List<String> CONFLICTING = List.of("-Xshare", "-XX:SharedArchiveFile", "-XX:AOT",
            "-XX:ArchiveClassesAtExit", "-XX:+AutoCreateSharedArchive", "-XX:SharedClassListFile",
            "-XX:DumpLoadedClassList", "-XX:+RecordDynamicDumpInfo");

    private final String poolName;
    private final Path cache;                                    // null: disabled
    private final AtomicBoolean trained = new AtomicBoolean(); // one training run per pool, even if it fails

    private WorkerArchive(String poolName, Path cache) {
        this.poolName = poolName;
        this.cache = cache;
    }

    /** The archive set-up for {@code config}'s workers (disabled if it cannot apply; see the class comment). */
    static WorkerArchive of(PoolConfig config) {
        return of(config, cacheDir());
    }

    /** As {@link #of(PoolConfig)}, keeping the cache in {@code dir}. */
    static WorkerArchive of(PoolConfig config, Path dir) {
        if (!config.automaticArchive() || config.cdsArchive() != null || Runtime.version().feature() < 25
                || !isOwnJava(config.javaExecutable())) {
            return new WorkerArchive(config.name(), null);
        }
        for (String o : config.jvmOptions()) {
            for (String c : CONFLICTING) {
                if (o.startsWith(c)) {
                    return new WorkerArchive(config.name(), null);
                }
            }
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            return new WorkerArchive(config.name(), null);
        }
        update(sha, System.getProperty("java.home"));
        update(sha, System.getProperty("java.vm.version"));
        for (String entry : config.classPath().split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry);
            if (!Files.isRegularFile(p)) {
                log.debug("{}: no automatic AOT cache for workers: class path entry {} is not a jar", config.name(), p);
                return new WorkerArchive(config.name(), null);
            }
            try {
                update(sha, p.toAbsolutePath() + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis());
            } catch (IOException e) {
                return new WorkerArchive(config.name(), null);
            }
        }
        PoolConfig.BASE_JVM_OPTIONS.forEach(o -> update(sha, o));
        config.jvmOptions().forEach(o -> update(sha, o));
        update(sha, config.heap() == null ? "" : config.heap());
        String key = HexFormat.of().formatHex(sha.digest(), 0, 12);
        try {
            Files.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            log.debug("{}: no automatic AOT cache for workers: cannot create {}: {}", config.name(), dir, e.toString());
            return new WorkerArchive(config.name(), null);
        }
        return new WorkerArchive(config.name(), dir.resolve("stratagem-worker-" + key + ".aot"));
    }

    private static boolean isOwnJava(String executable) {
        Path own = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            return Files.isSameFile(own, Path.of(executable));
        } catch (IOException e) {
            return false;
        }
    }

    private static Path cacheDir() {
        String override = System.getProperty("stratagem.worker.cacheDir");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "stratagem");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "stratagem");
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    /** The cache file, or null if the automatic cache is off. */
    Path cacheFile() {
        return cache;
    }

    /**
     * The options for a worker about to start: use the cache if there is one; else, if this pool has not tried
     * yet, make this worker the training run (a training run that fails, say killed, is not repeated by this pool).
     */
    List<String> optionsFor(int workerId) {
        if (cache == null) {
            return List.of();
        }
        if (Files.isRegularFile(cache)) {
            return List.of("-XX:AOTCache=" + cache);
        }
        if (trained.compareAndSet(false, true)) {
            log.debug("{}: worker {} is the training run of the workers' AOT cache {}", poolName, workerId, cache);
            // -Xlog:aot: the training run lists every class it skips as a warning; only errors are news.
            return List.of("-XX:AOTCacheOutput=" + trainingOutput(workerId), "-Xlog:aot*=error:stderr");
        }
        return List.of();
    }

    private Path trainingOutput(int workerId) {
        return cache.resolveSibling(cache.getFileName() + "." + ProcessHandle.current().pid() + "-" + workerId + ".tmp");
    }

    /**
     * Worker {@code workerId} is gone (its process reaped): if it was the training run and wrote a cache, publish it.
     * A cache that another JVM published meanwhile is simply replaced (both describe the same set-up).
     */
    void workerGone(int workerId, List<String> options) {
        if (options.isEmpty() || !options.get(0).startsWith("-XX:AOTCacheOutput=")) {
            return;
        }
        Path tmp = trainingOutput(workerId);
        try {
            if (Files.isRegularFile(tmp) && Files.size(tmp) > 0) {
                Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                log.info("{}: wrote the workers' AOT cache {} (later workers start faster)", poolName, cache);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("{}: could not publish the workers' AOT cache {}: {}", poolName, cache, e.toString());
        } finally {
            try {
                Files.deleteIfExists(tmp);
                Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + ".config"));
            } catch (IOException e) {
                log.debug("{}: could not delete {}: {}", poolName, tmp, e.toString());
            }
        }
    }
}
