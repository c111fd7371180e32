package io.stratagem.process;

import io.stratagem.Strategy;
import io.stratagem.TaskHandle;
import io.stratagem.testkit.KitTasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workers' automatic AOT cache end to end, with a class path of jars: the training run, the assembly, and that no
 * path that ends a worker (close, shutdownNow, a kill from outside, the pool's own kill) leaves a process behind —
 * neither the cache's assembly nor a process a task started.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolTrainingTest extends PoolTestSupport {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Path cacheDir;
    private String classPath;
    private String previousCacheDir;

    @BeforeEach
    void jarsAndAPrivateCacheDir() throws IOException {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the AOT cache options need JDK 25");
        cacheDir = Files.createDirectory(dir.resolve("cache"));
        classPath = JarClassPath.of(Files.createDirectory(dir.resolve("jars")));
        previousCacheDir = System.setProperty("stratagem.worker.cacheDir", cacheDir.toString());
    }

    @AfterEach
    void restoreCacheDir() {
        if (previousCacheDir == null) {
            System.clearProperty("stratagem.worker.cacheDir");
        } else {
            System.setProperty("stratagem.worker.cacheDir", previousCacheDir);
        }
    }

    private ProcessPoolStrategy.Builder builder() {
        return ProcessPoolStrategy.builder().workers(1).classPath(classPath);
    }

    @Test
    void trainingRun_closed_publishesTheCacheThatTheNextPoolStartsFrom_andLeavesNoProcess() throws IOException {
        Strategy first = builder().build();
        assertTrue(first.submit(PoolTasks.jvmArguments()).join().contains("-XX:AOTMode=record"));
        first.close();
        assertNoProcessMentions(cacheDir);
        assertEquals(List.of(), files(".tmp"), "temporary files are cleaned up");
        assertEquals(1, files(".aot").size(), "the cache is published");

        Strategy second = pool(builder());
        String args = second.submit(PoolTasks.jvmArguments()).join();
        assertTrue(args.contains("-XX:AOTCache=" + files(".aot").get(0)), args);
    }

    @Test
    void trainingRun_killedFromOutsideWhileItExits_leavesNoProcess() throws IOException {
        Strategy s = builder().build();
        long pid = s.submit(PoolTasks.workerPid()).join();
        s.shutdownNow(); // the worker exits, writing its training configuration ...
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // ... and is killed doing so, or after
        s.close();
        assertNoProcessMentions(cacheDir);
        assertEquals(List.of(), files(".tmp"), "temporary files are cleaned up");
    }

    @Test
    void aTaskStartedProcess_diesWithItsWorker_whenThePoolKillsIt() throws IOException {
        Strategy s = pool(builder().cancelGrace(Duration.ofMillis(200)));
        Path pidFile = dir.resolve("child.pid");
        TaskHandle<Integer> h = s.submit(PoolTasks.spawnChildThenSpin(pidFile.toString()), Duration.ofSeconds(3));
        await().atMost(PATIENCE).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
        ProcessHandle child = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
        await().atMost(PATIENCE).until(h::isDone); // the timeout killed the worker
        await().atMost(PATIENCE).until(() -> !child.isAlive());
        assertEquals(4, s.submit(KitTasks.value(4)).join(), "the replacement serves");
    }

    @Test
    void aTaskStartedProcess_diesWithItsWorker_atClose() throws IOException {
        Strategy s = builder().cancelGrace(Duration.ofMillis(200)).build();
        Path pidFile = dir.resolve("child.pid");
        s.submit(PoolTasks.spawnChildThenSpin(pidFile.toString()));
        await().atMost(PATIENCE).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
        ProcessHandle child = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
        s.shutdownNow();
        s.close();
        assertFalse(child.isAlive(), "close() returned with the task's process alive");
    }

    private List<Path> files(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(cacheDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    /** No process anywhere (orphans included) runs with {@code path} on its command line, once dying ones are gone. */
    private static void assertNoProcessMentions(Path path) {
        await().atMost(PATIENCE).until(() -> ProcessHandle.allProcesses()
                .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains(path.toString()))
                .findAny().isEmpty());
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count());
    }
}
