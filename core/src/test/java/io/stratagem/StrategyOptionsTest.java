package io.stratagem;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrategyOptionsTest {

    @Test
    void defaults_areJvmSemanticsAndBackendParallelism() {
        StrategyOptions o = StrategyOptions.defaults();
        assertEquals(Semantics.JVM, o.semantics());
        assertEquals(0, o.parallelism());
        assertTrue(o.properties().isEmpty());
    }

    @Test
    void withers_returnChangedCopies() {
        StrategyOptions o = StrategyOptions.defaults().withSemantics(Semantics.PYTHON).withParallelism(3).with("k", "v");
        assertEquals(new StrategyOptions(Semantics.PYTHON, 3, Map.of("k", "v")), o);
    }

    @Test
    void parallelismOutOfRange_isRejectedWithTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StrategyOptions.defaults().withParallelism(-1));
        assertTrue(e.getMessage().contains("between 0 (backend default) and 10000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StrategyOptions.defaults().withParallelism(10_001));
    }

    @Test
    void properties_areCopied() {
        java.util.HashMap<String, String> m = new java.util.HashMap<>(Map.of("a", "1"));
        StrategyOptions o = new StrategyOptions(Semantics.JVM, 0, m);
        m.put("b", "2");
        assertEquals(Map.of("a", "1"), o.properties());
    }
}
