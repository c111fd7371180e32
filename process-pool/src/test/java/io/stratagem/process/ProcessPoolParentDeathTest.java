package io.stratagem.process;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** Workers do not outlive their parent: killed with SIGKILL, the parent cannot clean up, so the workers must. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessPoolParentDeathTest {

    @Test
    @Tag("timing")
    void workersExitWithinTwoSecondsOfTheParentsDeath() throws Exception {
        Path pidFile = Files.createTempFile("stratagem-worker", ".pid");
        Files.delete(pidFile);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ParentDeathHelper.class.getName(), pidFile.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
            long workerPid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle worker = ProcessHandle.of(workerPid).orElseThrow();
            parent.destroyForcibly().waitFor();
            await().atMost(Duration.ofSeconds(2)).until(() -> !worker.isAlive());
        } finally {
            parent.destroyForcibly();
            Files.deleteIfExists(pidFile);
        }
    }
}
