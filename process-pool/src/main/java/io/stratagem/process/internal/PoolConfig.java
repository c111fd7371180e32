package io.stratagem.process.internal;

import io.stratagem.Semantics;
import io.stratagem.process.ProcessPoolStrategy.QueuePolicy;
import io.stratagem.process.TaskCodec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The validated settings of one pool (built by {@code ProcessPoolStrategy.Builder}). Immutable. */
public record PoolConfig(
        String name,
        Semantics semantics,
        int workers,
        boolean eager,
        String javaExecutable,
        String classPath,
        List<String> jvmOptions,
        String heap,
        Map<String, String> systemProperties,
        Map<String, String> environment,
        byte[] initializer,
        int maxTasksPerWorker,
        Duration idleTimeout,
        int queueCapacity,
        QueuePolicy queuePolicy,
        int inFlightPerWorker,
        Duration cancelGrace,
        String filterPattern,
        TaskCodec codec,
        int maxFrameBytes,
        int crashRetries,
        int maxStartFailures,
        Duration startTimeout,
        String cdsArchive,
        boolean automaticArchive) {

    /** Options every worker gets before the user's (later options win). */
    public static final List<String> BASE_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC",          // one task at a time per worker: no GC threads to compete with the pool
            "-XX:-UsePerfData",          // no hsperfdata file per worker; measurably faster start
            "-XX:+ExitOnOutOfMemoryError", // an OOM kills the worker (reported as a crash), never a half-broken JVM
            "-XX:+DisplayVMOutputToStderr", // the JVM's own messages (OOM, warnings) must not land in the protocol
            "-Xlog:disable",             // ... nor unified logging, whose default output is stdout:
            "-Xlog:all=warning:stderr"); // warnings go to stderr (user -Xlog options must name stderr or a file)
    // No -Xshare:auto: it is the default, and -XX:AOTCache (WorkerArchive) refuses to start next to any -Xshare.

    /**
     * The command line that starts worker {@code id}, which records started tasks in {@code marksFile}, with
     * {@code archiveOptions} from {@link WorkerArchive} (before the user's options, which win).
     */
    public List<String> command(int id, java.nio.file.Path marksFile, List<String> archiveOptions) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(javaExecutable);
        cmd.addAll(BASE_JVM_OPTIONS);
        if (cdsArchive != null) {
            cmd.add("-XX:SharedArchiveFile=" + cdsArchive);
        }
        cmd.addAll(archiveOptions);
        if (heap != null) {
            cmd.add("-Xmx" + heap);
        }
        cmd.addAll(jvmOptions);
        for (Map.Entry<String, String> e : systemProperties.entrySet()) {
            cmd.add("-D" + e.getKey() + "=" + e.getValue());
        }
        cmd.add("-Dstratagem.worker.id=" + id);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(WorkerMain.class.getName());
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        cmd.add(Integer.toString(id));
        cmd.add(Integer.toString(maxFrameBytes));
        cmd.add(marksFile.toString());
        return cmd;
    }
}
