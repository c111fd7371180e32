package io.stratagem.process.internal;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link ClassPatterns} decides every class as the JDK's {@code ObjectInputFilter.Config.createFilter} does. */
class ClassPatternsTest {

    record Inner(int x) implements Serializable {
    }

    private static final List<Class<?>> CLASSES = List.of(String.class, Integer.class, int.class, int[].class,
            String[][].class, java.util.ArrayList.class, java.util.concurrent.ConcurrentHashMap.class,
            java.util.Map.Entry.class, java.time.Duration.class, java.math.BigInteger.class, java.net.URI.class,
            java.lang.invoke.SerializedLambda.class, java.io.File.class, Inner.class, Inner[].class,
            ClassPatterns.class, io.stratagem.Task.class, Thread.State.class, javax.naming.Name.class,
            java.sql.Date.class, ClassPatternsTest.class, Runnable.class);

    private static final List<String> PIECES = List.of("java.lang.*", "java.lang.**", "java.util.*", "java.util.**",
            "java.*", "java.**", "java.lang.String", "java.lang.Str*", "io.stratagem.**", "io.stratagem.*",
            "io.stratagem.process.internal.*", "io.stratagem.process.internal.ClassPatternsTest$Inner",
            "io.stratagem.process.internal.ClassPatternsTest*", "java.base/java.lang.*", "java.base/*",
            "java.sql/java.sql.*", "java.naming/**", "javax.**", "*", "**", "int", "[I", "java.lang.Integer",
            "maxdepth=0", "maxdepth=5", "maxrefs=0", "maxrefs=10", "maxarray=3", "maxbytes=100", "", " java.lang.*",
            "java.time.*", "java.math.*", "java.net.URI", "Thread*", "java.lang.Thread$State", "java.util.Map$*",
            "unnamed/io.stratagem.**", "java.base/java.util.**");

    @Provide
    Arbitrary<String> patterns() {
        Arbitrary<String> piece = Arbitraries.of(PIECES);
        Arbitrary<String> maybeNegated = Arbitraries.oneOf(piece, piece.map(p -> p.isEmpty() || p.contains("=") ? p : "!" + p));
        return maybeNegated.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join(";", l));
    }

    @Property(tries = 1000)
    void decidesEveryClassAsTheJdkFilter(@ForAll("patterns") String pattern) {
        ObjectInputFilter jdk = ObjectInputFilter.Config.createFilter(pattern);
        ClassPatterns ours = new ClassPatterns(pattern);
        for (Class<?> c : CLASSES) {
            ObjectInputFilter.Status expected = jdk == null ? ObjectInputFilter.Status.UNDECIDED
                    : jdk.checkInput(new JavaSerializationCodec.ClassInfo(c));
            assertEquals(expected, ours.decide(c), () -> pattern + " for " + c.getName());
        }
    }

    @Test
    void malformedPatternsFailAsTheJdkFilterFails() {
        for (String bad : List.of("/java.lang.*", "!/x", ".*", "!.*", ".**", "a.b/", "maxdepth=-1", "maxrefs=x",
                "maxfoo=3", "java.base/.*", "x/.**")) {
            IllegalArgumentException expected = assertThrows(IllegalArgumentException.class,
                    () -> ObjectInputFilter.Config.createFilter(bad), bad);
            IllegalArgumentException actual = assertThrows(IllegalArgumentException.class, () -> new ClassPatterns(bad), bad);
            assertEquals(expected.getMessage(), actual.getMessage(), bad);
        }
    }

    @Test
    void theCodecsAllowListRejectsWhatItDoesNotName() {
        ClassPatterns p = new ClassPatterns(JavaSerializationCodec.allowList(List.of("com.acme.**")));
        assertEquals(ObjectInputFilter.Status.ALLOWED, p.decide(Integer[].class));
        assertEquals(ObjectInputFilter.Status.REJECTED, p.decide(java.sql.Date.class));
        assertEquals(ObjectInputFilter.Status.UNDECIDED, p.decide(long.class));
    }
}
