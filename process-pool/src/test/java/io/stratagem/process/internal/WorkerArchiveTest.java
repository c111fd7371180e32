package io.stratagem.process.internal;

import io.stratagem.Semantics;
import io.stratagem.process.ProcessPoolStrategy.QueuePolicy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When workers get the automatic AOT cache, when they train it, and that a trained cache is published whole. */
class WorkerArchiveTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsJdk25() {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the AOT cache options need JDK 25");
    }

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static PoolConfig config(String classPath, List<String> jvmOptions, boolean automatic, String cds) {
        return new PoolConfig("t", Semantics.JVM, 2, false, JAVA, classPath, jvmOptions, null, Map.of(), Map.of(), null,
                0, null, 100, QueuePolicy.BLOCK, 64, Duration.ofSeconds(2), "!*", null, 1 << 20, 0, 3,
                Duration.ofSeconds(30), cds, automatic);
    }

    private String jars(String... names) throws IOException {
        StringBuilder cp = new StringBuilder();
        for (String n : names) {
            Path jar = Files.write(dir.resolve(n), new byte[]{1, 2, 3});
            cp.append(cp.isEmpty() ? "" : File.pathSeparator).append(jar);
        }
        return cp.toString();
    }

    @Test
    void optionsFor_jarClassPath_trainsOnceThenUsesThePublishedCache() throws IOException {
        Path cacheDir = dir.resolve("cache");
        WorkerArchive a = WorkerArchive.of(config(jars("a.jar", "b.jar"), List.of(), true, null), cacheDir);
        List<String> first = a.optionsFor(1);
        assertTrue(WorkerArchive.isTraining(first), first.toString());
        assertEquals(List.of(), a.optionsFor(2), "one training run per pool");
        PoolConfig config = config(jars("a.jar", "b.jar"), List.of(), true, null);
        assertNull(a.assemblyCommand(config, 1, first), "no configuration recorded yet");

        Path conf = Path.of(first.get(1).substring("-XX:AOTConfiguration=".length()));
        Files.write(conf, new byte[]{7});
        List<String> assembly = a.assemblyCommand(config, 1, first);
        assertTrue(assembly.contains("-XX:AOTMode=create"), assembly.toString());
        assertFalse(assembly.contains(WorkerMain.class.getName()), assembly.toString());
        String out = assembly.stream().filter(o -> o.startsWith("-XX:AOTCache=")).findFirst().orElseThrow();
        Path tmp = Path.of(out.substring("-XX:AOTCache=".length()));
        Files.write(tmp, new byte[]{42});
        a.workerGone(1, first, 0);
        assertFalse(Files.exists(tmp));
        assertFalse(Files.exists(conf));
        assertTrue(Files.isRegularFile(a.cacheFile()));
        assertEquals(List.of("-XX:AOTCache=" + a.cacheFile()), a.optionsFor(3));
    }

    @Test
    void workerGone_trainingLeftNoFile_publishesNothing() throws IOException {
        WorkerArchive a = WorkerArchive.of(config(jars("a.jar"), List.of(), true, null), dir.resolve("cache"));
        List<String> first = a.optionsFor(1);
        a.workerGone(1, first, null); // killed before it wrote anything
        assertFalse(Files.exists(a.cacheFile()));
        assertEquals(List.of(), a.optionsFor(2), "a failed training run is not repeated by the same pool");
    }

    @Test
    void prune_deletesUnusedAndSurplusCachesAndOldTemporaries() throws IOException {
        Path cacheDir = Files.createDirectory(dir.resolve("cache"));
        long now = System.currentTimeMillis();
        long day = Duration.ofDays(1).toMillis();
        Path stale = aged(cacheDir.resolve("stratagem-worker-stale.aot"), now - 31 * day);
        Path oldTmp = aged(cacheDir.resolve("stratagem-worker-x.aot.1-1.tmp"), now - 2 * day);
        Path freshTmp = aged(cacheDir.resolve("stratagem-worker-y.aot.1-1.tmp"), now);
        Path other = aged(cacheDir.resolve("someone-else.aot"), now - 100 * day);
        List<Path> recent = new java.util.ArrayList<>();
        for (int i = 0; i < WorkerArchive.KEEP + 2; i++) { // i = 0 the most recently used
            recent.add(aged(cacheDir.resolve("stratagem-worker-" + i + ".aot"), now - i * 60_000L));
        }
        WorkerArchive.prune(cacheDir, now);
        assertFalse(Files.exists(stale), "not used for 30 days");
        assertFalse(Files.exists(oldTmp), "a dead training run's leftover");
        assertTrue(Files.exists(freshTmp), "a training run in progress");
        assertTrue(Files.exists(other), "not ours");
        for (int i = 0; i < recent.size(); i++) {
            assertEquals(i < WorkerArchive.KEEP, Files.exists(recent.get(i)), recent.get(i).toString());
        }
    }

    @Test
    void pruneOnce_keepsThisPoolsCacheWhateverItsAge_andRunsOnce() throws IOException {
        Path cacheDir = dir.resolve("cache");
        WorkerArchive a = WorkerArchive.of(config(jars("a.jar"), List.of(), true, null), cacheDir);
        long now = System.currentTimeMillis();
        long day = Duration.ofDays(1).toMillis();
        aged(a.cacheFile(), now - 40 * day);
        Path stale = aged(cacheDir.resolve("stratagem-worker-stale.aot"), now - 31 * day);
        a.pruneOnce();
        assertTrue(Files.exists(a.cacheFile()), "the cache this pool is about to use");
        assertFalse(Files.exists(stale), "not used for 30 days");
        Path staleLater = aged(cacheDir.resolve("stratagem-worker-later.aot"), now - 31 * day);
        a.pruneOnce();
        assertTrue(Files.exists(staleLater), "pruned once per pool");
    }

    @Test
    void optionsFor_usingTheCache_marksItUsed() throws IOException {
        Path cacheDir = dir.resolve("cache");
        WorkerArchive a = WorkerArchive.of(config(jars("a.jar"), List.of(), true, null), cacheDir);
        aged(a.cacheFile(), System.currentTimeMillis() - Duration.ofDays(20).toMillis());
        assertEquals(List.of("-XX:AOTCache=" + a.cacheFile()), a.optionsFor(1));
        long age = System.currentTimeMillis() - Files.getLastModifiedTime(a.cacheFile()).toMillis();
        assertTrue(age < Duration.ofDays(1).toMillis(), "age " + age + " ms");
    }

    private static Path aged(Path p, long modifiedMillis) throws IOException {
        if (!Files.exists(p)) {
            Files.write(p, new byte[]{1});
        }
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(modifiedMillis));
        return p;
    }

    @Test
    void isAotNotice_theTrainingJvmsOwnLines_butNotTheUsers() {
        assertTrue(WorkerHandle.isAotNotice("AOTConfiguration recorded: /c/stratagem-worker-1.aot.2-1.aotconf.tmp"));
        assertTrue(WorkerHandle.isAotNotice("[0.412s][error][aot] Cannot dump"));
        assertFalse(WorkerHandle.isAotNotice("[main] processing image 3"));
        assertFalse(WorkerHandle.isAotNotice("Exception in thread \"main\" java.lang.Error"));
    }

    @Test
    void of_directoryOnClassPath_isOff() throws IOException {
        String cp = jars("a.jar") + File.pathSeparator + Files.createDirectory(dir.resolve("classes"));
        WorkerArchive a = WorkerArchive.of(config(cp, List.of(), true, null), dir.resolve("cache"));
        assertNull(a.cacheFile());
        assertEquals(List.of(), a.optionsFor(1));
    }

    @Test
    void of_userChoosesCdsOrAot_isOff() throws IOException {
        String cp = jars("a.jar");
        for (String o : List.of("-Xshare:off", "-XX:SharedArchiveFile=x.jsa", "-XX:AOTCache=x.aot", "-XX:ArchiveClassesAtExit=y")) {
            assertNull(WorkerArchive.of(config(cp, List.of(o), true, null), dir).cacheFile(), o);
        }
        assertNull(WorkerArchive.of(config(cp, List.of(), false, null), dir).cacheFile(), "automaticArchive(false)");
        assertNull(WorkerArchive.of(config(cp, List.of(), true, "x.jsa"), dir).cacheFile(), "classDataSharingArchive");
    }

    @Test
    void cacheFile_changesWithTheJarsAndOptions() throws IOException {
        String cp = jars("a.jar");
        Path before = WorkerArchive.of(config(cp, List.of(), true, null), dir).cacheFile();
        assertEquals(before, WorkerArchive.of(config(cp, List.of(), true, null), dir).cacheFile());
        assertNotEquals(before, WorkerArchive.of(config(cp, List.of("-Xmx64m"), true, null), dir).cacheFile());
        Files.write(dir.resolve("a.jar"), new byte[]{1, 2, 3, 4}); // rebuilt: another size
        assertNotEquals(before, WorkerArchive.of(config(cp, List.of(), true, null), dir).cacheFile());
    }
}
