package io.stratagem;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Core alone has no backend on its class path: creating one must name the artifact to add. */
class BackendsTest {

    @Test
    void create_withoutTheBackendsJar_namesTheArtifactToAdd() {
        for (Backend b : Backend.values()) {
            BackendNotAvailableException e = assertThrows(BackendNotAvailableException.class, () -> Strategy.create(b));
            assertTrue(e.getMessage().contains("io.stratagem:" + b.artifactId()), e.getMessage());
        }
    }

    @Test
    void create_null_throwsAtOnce() {
        assertThrows(NullPointerException.class, () -> Strategy.create(null));
    }
}
