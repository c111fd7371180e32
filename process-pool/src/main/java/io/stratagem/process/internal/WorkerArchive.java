package io.stratagem.process.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.DirectoryStream;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The automatic ahead-of-time cache that cuts a worker JVM's start-up (JDK 25+, JEP 483/514/515).
 *
 * <h2>Overview</h2>
 * A worker's start is mostly the JVM loading, linking and initializing the same few hundred classes every time (the
 * protocol, serialization, the lambda machinery), then interpreting cold code. An AOT cache holds those classes
 * already loaded and linked, and the method profiles of a training run. The first worker of a pool that finds no cache
 * for its exact set-up is the training run: it starts with {@code -XX:AOTMode=record}, and when it exits the JVM writes
 * its training configuration to a private temporary file. The pool then assembles the cache from it
 * ({@code -XX:AOTMode=create}, a second or two, once) in a JVM that is the pool's own child, killed and reaped like a
 * worker (never the one-step {@code -XX:AOTCacheOutput}, whose assembly is a child of the worker that a kill of the
 * worker would orphan). The file is moved atomically to its final name, so a worker never maps a half-written cache;
 * later workers, in this JVM and in later runs, start with {@code -XX:AOTCache}.
 *
 * <p>The cache's name is a hash of everything the JVM validates it against (the JDK, the class path with each jar's
 * size and modification time, the JVM options), so a rebuilt jar or another option means another file, never a stale
 * one; the JVM checks again on mapping and, on any mismatch, starts without the cache and says so on stderr. The cache
 * lives in the per-user cache directory ({@code $XDG_CACHE_HOME/stratagem}, else {@code ~/.cache/stratagem}; the
 * system property {@code stratagem.worker.cacheDir} overrides it). Each cache is ~10-15 MB: when a pool starts its
 * first worker, caches not used (a worker started from them) for 30 days are deleted, and all but the 8 most recently
 * used.
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

    /** Caches not used for this long are deleted when a pool starts its first worker. */
    static final Duration MAX_AGE = Duration.ofDays(30);
    /** At most this many caches are kept (the most recently used). */
    static final int KEEP = 8;

    private final String poolName;
    private final Path cache;                                    // null: disabled
    private final AtomicBoolean trained = new AtomicBoolean(); // one training run per pool, even if it fails
    private final AtomicBoolean pruned = new AtomicBoolean();  // once per pool

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
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(p, BasicFileAttributes.class); // one stat, not three
            } catch (IOException e) {
                attributes = null;
            }
            if (attributes == null || !attributes.isRegularFile()) {
                log.debug("{}: no automatic AOT cache for workers: class path entry {} is not a jar", config.name(), p);
                return new WorkerArchive(config.name(), null);
            }
            update(sha, p.toAbsolutePath() + "|" + attributes.size() + "|" + attributes.lastModifiedTime().toMillis());
        }
        PoolConfig.BASE_JVM_OPTIONS.forEach(o -> update(sha, o));
        config.jvmOptions().forEach(o -> update(sha, o));
        update(sha, config.heap() == null ? "" : config.heap());
        String key = HexFormat.of().formatHex(sha.digest(), 0, 12);
        try {
            if (!Files.isDirectory(dir)) { // createDirectories throws (and catches) an exception when it exists
                Files.createDirectories(dir);
            }
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
     * The options for a worker about to start: use the cache if there is one (touching it, so pruning sees it used);
     * else, if this pool has not tried yet, make this worker the training run (a training run that fails, say killed,
     * is not repeated by this pool).
     */
    List<String> optionsFor(int workerId) {
        if (cache == null) {
            return List.of();
        }
        if (Files.isRegularFile(cache)) {
            touch(cache);
            return List.of("-XX:AOTCache=" + cache);
        }
        if (trained.compareAndSet(false, true)) {
            log.debug("{}: worker {} is the training run of the workers' AOT cache {}", poolName, workerId, cache);
            // Record only: the JVM writes the configuration in-process at exit. The one-step -XX:AOTCacheOutput would
            // fork a child JVM at exit to assemble the cache, which a kill of the worker would leave orphaned; the
            // pool runs that step itself instead (assemble), as its own child. -Xlog:aot: the training run lists
            // every class it skips as a warning; only errors are news.
            return List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration(workerId),
                    "-Xlog:aot*=error:stderr");
        }
        return List.of();
    }

    /** Whether {@code options} (from {@link #optionsFor}) make a worker the training run. */
    static boolean isTraining(List<String> options) {
        return !options.isEmpty() && options.get(0).equals("-XX:AOTMode=record");
    }

    private Path configuration(int workerId) {
        return cache.resolveSibling(cache.getFileName() + "." + ProcessHandle.current().pid() + "-" + workerId
                + ".aotconf.tmp");
    }

    private Path assembled(int workerId) {
        return cache.resolveSibling(cache.getFileName() + "." + ProcessHandle.current().pid() + "-" + workerId + ".tmp");
    }

    /**
     * The command that assembles the cache from worker {@code workerId}'s training configuration, or null if there is
     * nothing to assemble (not the training run, or it left no configuration, say killed). The command is the
     * worker's own JVM options and class path, so the cache matches the workers that will map it.
     */
    List<String> assemblyCommand(PoolConfig config, int workerId, List<String> options) {
        if (!isTraining(options)) {
            return null;
        }
        Path conf = configuration(workerId);
        try {
            if (!Files.isRegularFile(conf) || Files.size(conf) == 0) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        List<String> worker = config.command(workerId, Path.of("unused"),
                List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + conf, "-XX:AOTCache=" + assembled(workerId),
                        "-Xlog:aot*=error:stderr"));
        return worker.subList(0, worker.indexOf(WorkerMain.class.getName())); // no main class: create mode exits
    }

    /**
     * After worker {@code workerId}'s training run: assembles the AOT cache in a JVM that is this JVM's own child,
     * handed to {@code started} as soon as it runs (the worker's handle kills it with the worker), and waits for it
     * (at most a minute). Returns its exit code, or null if it did not run (nothing to assemble) or did not finish.
     */
    Integer assemble(PoolConfig config, int workerId, List<String> options, Consumer<Process> started) {
        List<String> cmd = assemblyCommand(config, workerId, options);
        if (cmd == null) {
            return null;
        }
        Process a = null;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(config.environment());
            a = pb.start();
            started.accept(a);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(a.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.debug("{}: [AOT cache assembly after worker {}] {}", poolName, workerId, line);
                }
            }
            if (!a.waitFor(60, TimeUnit.SECONDS)) {
                a.destroyForcibly();
                a.waitFor(5, TimeUnit.SECONDS);
            }
            return a.isAlive() ? null : a.exitValue();
        } catch (IOException e) {
            log.debug("{}: could not assemble the workers' AOT cache: {}", poolName, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (a != null && a.isAlive()) {
                a.destroyForcibly();
            }
        }
    }

    /**
     * Worker {@code workerId} and its assembly (if any) are gone, the assembly with {@code assemblyExit} (null if it
     * did not run or did not finish): if it wrote a cache, publish it; delete the temporary files either way. A cache
     * that another JVM published meanwhile is simply replaced (both describe the same set-up).
     */
    void workerGone(int workerId, List<String> options, Integer assemblyExit) {
        if (!isTraining(options)) {
            return;
        }
        Path tmp = assembled(workerId);
        try {
            if (assemblyExit != null && assemblyExit == 0 && Files.isRegularFile(tmp) && Files.size(tmp) > 0) {
                Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                log.info("{}: wrote the workers' AOT cache {} (later workers start faster)", poolName, cache);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("{}: could not publish the workers' AOT cache {}: {}", poolName, cache, e.toString());
        } finally {
            for (Path p : List.of(tmp, configuration(workerId))) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.debug("{}: could not delete {}: {}", poolName, p, e.toString());
                }
            }
        }
    }

    private static void touch(Path p) {
        try {
            Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException | RuntimeException e) {
            log.debug("could not touch {}: {}", p, e.toString());
        }
    }

    /**
     * Prunes the cache directory ({@link #prune(Path, long)}), once per pool, keeping this pool's cache whatever its
     * age. Called by the first worker's thread once its JVM is starting: off the path to the first result, in the
     * tens of milliseconds the parent otherwise waits for the worker's JVM to boot.
     */
    void pruneOnce() {
        if (cache != null && pruned.compareAndSet(false, true)) {
            prune(cache.getParent(), System.currentTimeMillis(), cache);
        }
    }

    /**
     * Deletes caches in {@code dir} not used for {@link #MAX_AGE} and all but the {@link #KEEP} most recently used,
     * and temporary files of training runs older than a day (left by a JVM that died mid-training). Each cache is
     * ~10-15 MB and a rebuilt jar makes a new one, so without pruning they pile up. Best effort: a file another JVM
     * is about to map may go, which only makes that worker start without the cache (the JVM checks on mapping).
     */
    static void prune(Path dir, long nowMillis) {
        prune(dir, nowMillis, null);
    }

    /** As {@link #prune(Path, long)}, counting {@code inUse} (if not null) as used just now. */
    static void prune(Path dir, long nowMillis, Path inUse) {
        List<Path> caches = new ArrayList<>();
        Map<Path, Long> used = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "stratagem-worker-*")) {
            for (Path p : files) {
                String n = p.getFileName().toString();
                long modified = p.equals(inUse) ? nowMillis : Files.getLastModifiedTime(p).toMillis();
                used.put(p, modified);
                long age = nowMillis - modified;
                if (n.endsWith(".aot")) {
                    if (age > MAX_AGE.toMillis()) {
                        delete(p);
                    } else {
                        caches.add(p);
                    }
                } else if (n.endsWith(".tmp") && age > Duration.ofDays(1).toMillis()) {
                    delete(p);
                }
            }
            if (caches.size() > KEEP) {
                caches.sort(Comparator.comparing((Path p) -> used.get(p)).reversed());
                caches.subList(KEEP, caches.size()).forEach(WorkerArchive::delete);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("could not prune the workers' AOT caches in {}: {}", dir, e.toString());
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
            log.debug("pruned the stale workers' AOT cache file {}", p);
        } catch (IOException e) {
            log.debug("could not delete {}: {}", p, e.toString());
        }
    }
}
