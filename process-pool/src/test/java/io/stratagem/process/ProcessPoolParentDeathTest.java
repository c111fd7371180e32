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
            await().atMost(Duration.ofSeconds(2)).until(() -> exited(worker));
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
