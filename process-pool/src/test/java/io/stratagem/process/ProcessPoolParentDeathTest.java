package io.stratagem.process;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Workers do not outlive their parent: killed with SIGKILL, the parent cannot clean up, so the workers must. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessPoolParentDeathTest {

    @Test
    @Tag("timing")
    void workersExitWithinTwoSecondsOfTheParentsDeath() throws Exception {
        ProcessHandle worker = killParentOfAParkedWorker(System.getProperty("java.class.path"), List.of());
        await().atMost(Duration.ofSeconds(2)).until(() -> exited(worker));
    }

    /** The first worker of a pool with a class path of jars is the AOT cache's training run; it obeys the rule too. */
    @Test
    @Tag("timing")
    void aTrainingWorkerExitsWithinTwoSecondsOfTheParentsDeath_andLeavesNoProcess(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the AOT cache options need JDK 25");
        Path cacheDir = Files.createDirectory(dir.resolve("cache"));
        String cp = JarClassPath.of(Files.createDirectory(dir.resolve("jars")));
        ProcessHandle worker = killParentOfAParkedWorker(cp, List.of("-Dstratagem.worker.cacheDir=" + cacheDir));
        await().atMost(Duration.ofSeconds(2)).until(() -> exited(worker));
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses()
                .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains(cacheDir.toString()))
                .findAny().isEmpty());
    }

    /** Starts a parent JVM whose pool parks a task in a worker, kills the parent (SIGKILL), returns the worker. */
    private static ProcessHandle killParentOfAParkedWorker(String classPath, List<String> options) throws Exception {
        Path pidFile = Files.createTempFile("stratagem-worker", ".pid");
        Files.delete(pidFile);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", classPath, ParentDeathHelper.class.getName(), pidFile.toString()));
        Process parent = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
            long workerPid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle worker = ProcessHandle.of(workerPid).orElseThrow();
            boolean training = worker.info().commandLine().orElse("").contains("-XX:AOTMode=record");
            assertEquals(options.stream().anyMatch(o -> o.contains("cacheDir")), training,
                    "the worker is the training run exactly when the class path is all jars");
            parent.destroyForcibly().waitFor();
            return worker;
        } finally {
            parent.destroyForcibly();
            Files.deleteIfExists(pidFile);
        }
    }

    /**
     * Whether the process has exited. An orphaned worker that exited stays a zombie until the container's init reaps
     * it (here that took over a second), and {@code isAlive()} reports a zombie as alive; on Linux the zombie state
     * is read from /proc.
     */
    private static boolean exited(ProcessHandle p) throws java.io.IOException {
        if (!p.isAlive()) {
            return true;
        }
        Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
        if (!Files.exists(stat)) {
            return !p.isAlive();
        }
        String s;
        try {
            s = Files.readString(stat);
        } catch (java.nio.file.NoSuchFileException e) {
            return true; // reaped meanwhile
        }
        int close = s.lastIndexOf(')');
        return close > 0 && s.length() > close + 2 && s.charAt(close + 2) == 'Z';
    }
}
