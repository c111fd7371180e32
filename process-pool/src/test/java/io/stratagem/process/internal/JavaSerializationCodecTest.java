package io.stratagem.process.internal;

import io.stratagem.Task;
import io.stratagem.TaskContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default codec's compact forms give back what Java serialization would, and keep the allow-list. */
class JavaSerializationCodecTest {

    private final JavaSerializationCodec codec = new JavaSerializationCodec(JavaSerializationCodec.allowList(List.of()));
    private final ClassLoader loader = getClass().getClassLoader();

    record Point3(int x, long y, String label, List<Integer> tags) implements Serializable {
    }

    record Resolving(int v) implements Serializable {
        private Object readResolve() {
            return new Resolving(v + 1000);
        }
    }

    private Object roundTrip(Object o) throws Exception {
        return codec.decode(codec.encode(o), loader);
    }

    /** The unnamed package has no "pkg.**" pattern: the error names the class itself, which the filter accepts. */
    @Test
    void aLambdaFromTheUnnamedPackage_isRefused_naming_aPatternThatAllowsIt() throws Exception {
        Object lambda = Class.forName("UnnamedPackageLambda").getMethod("answer").invoke(null);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> roundTrip(lambda));
        assertTrue(e.getMessage().contains("allowClasses(\"UnnamedPackageLambda\")"), e.getMessage());
        JavaSerializationCodec allowing = new JavaSerializationCodec(
                JavaSerializationCodec.allowList(List.of("UnnamedPackageLambda")));
        Object back = allowing.decode(allowing.encode(lambda), loader);
        assertEquals(42, ((java.util.function.IntSupplier) back).getAsInt());
    }

    @Provide
    Arbitrary<Object> scalar() {
        return Arbitraries.oneOf(Arbitraries.integers().map(i -> (Object) i), Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s), Arbitraries.just(null));
    }

    @Property(tries = 200)
    void scalarLists_roundTrip(@ForAll("scalarLists") ArrayList<Object> list) throws Exception {
        Object back = roundTrip(list);
        assertEquals(ArrayList.class, back.getClass());
        assertEquals(list, back);
    }

    @Provide
    Arbitrary<ArrayList<Object>> scalarLists() {
        return scalar().list().ofMaxSize(50).map(ArrayList::new);
    }

    @Test
    void recordsLambdasAndOtherValues_roundTrip() throws Exception {
        Point3 p = new Point3(1, 2L, "three", new ArrayList<>(List.of(4, 5)));
        assertEquals(p, roundTrip(p));
        assertEquals(new Resolving(1007), roundTrip(new Resolving(7)), "a record's readResolve still runs");
        assertEquals(Map.of("a", 1), roundTrip(Map.of("a", 1)));
        int captured = 41;
        Task<Integer> t = ctx -> captured + 1;
        @SuppressWarnings("unchecked")
        Task<Integer> back = (Task<Integer>) roundTrip(t);
        assertEquals(42, back.run((TaskContext) null));
        assertEquals(null, roundTrip(null));
        assertEquals(Long.MIN_VALUE, roundTrip(Long.MIN_VALUE));
    }

    @Test
    void aRecordOutsideTheAllowList_isRejectedOnBothSides() throws IOException {
        JavaSerializationCodec strict = new JavaSerializationCodec("java.**;!*");
        assertThrows(InvalidClassException.class, () -> strict.encode(new Point3(1, 2, "x", List.of())));
        byte[] bytes = codec.encode(new Point3(1, 2, "x", new ArrayList<>()));
        InvalidClassException e = assertThrows(InvalidClassException.class, () -> strict.decode(bytes, loader));
        assertTrue(e.getMessage().contains("REJECTED"), e.getMessage());
    }

    @Test
    void corruptEncodings_failWithIOException() {
        assertThrows(IOException.class, () -> codec.decode(new byte[0], loader));
        assertThrows(IOException.class, () -> codec.decode(new byte[]{2, 1}, loader));
        assertThrows(IOException.class, () -> codec.decode(new byte[]{99}, loader));
        assertThrows(IOException.class, () -> codec.decode(new byte[]{6, 0x7f, 0, 0, 0}, loader));
        assertThrows(IOException.class, () -> codec.decode(new byte[]{6, 'i', 0, 0, 0, 2, 0, 0, 0, 1}, loader));
        assertThrows(IOException.class, () -> codec.decode(new byte[]{6, 'm', 0, 0, 0, 1, 'S', 0, 0, 0, 9, 'x'}, loader));
        assertThrows(IOException.class, () -> codec.decode(new byte[]{6, 'm', 0, 0, 0, 1, 'N', 'N'}, loader));
        assertThrows(IOException.class, () -> codec.decode(new byte[]{6, 'm', 0, 0, 0, 1, 'J', 0, 0}, loader));
    }

    static Task<Integer> plus(int x) {
        return ctx -> x + 1;
    }

    static Task<Integer> times(int x) {
        return ctx -> x * 10;
    }

    @SuppressWarnings("unchecked")
    private Integer runDecoded(byte[] bytes) throws Exception {
        return ((Task<Integer>) codec.decode(bytes, loader)).run((TaskContext) null);
    }

    /** A lambda's shape is parsed once per codec, but each lambda's captured values are read every time. */
    @Test
    void lambdasOfOneShape_keepTheirOwnCapturedValues() throws Exception {
        for (int i = 0; i < 100; i++) {
            assertEquals(i + 1, runDecoded(codec.encode(plus(i))));
            assertEquals(i * 10, runDecoded(codec.encode(times(i))));
        }
    }

    /** The reader recognises a shape by its bytes, not by the fingerprint the writer put in front of them. */
    @Test
    void aKnownFingerprintInFrontOfOtherShapeBytes_isReadAsTheOtherShape() throws Exception {
        byte[] plus = codec.encode(plus(1));
        assertEquals(2, runDecoded(plus));
        byte[] times = codec.encode(times(7));
        System.arraycopy(plus, 1, times, 1, 8); // plus's fingerprint on times's shape
        assertEquals(70, runDecoded(times));
        assertEquals(2, runDecoded(plus));
    }

    /** Truncated or altered lambda encodings fail with an I/O or class-not-found error, never with anything else. */
    @Property(tries = 300)
    void damagedLambdaEncodings_failCleanly(@ForAll("damage") int[] where) throws Exception {
        byte[] bytes = codec.encode(plus(where[2]));
        int at = Math.floorMod(where[0], bytes.length);
        byte[] damaged = where[1] == 0 ? java.util.Arrays.copyOf(bytes, at) : bytes.clone();
        if (where[1] != 0) {
            damaged[at] ^= (byte) where[1];
        }
        try {
            Object back = codec.decode(damaged, loader);
            if (back instanceof Task<?> t) {
                t.run((TaskContext) null); // may compute something else; must not blow up the codec
            }
        } catch (IOException | ClassNotFoundException expected) {
            // a clear error
        } catch (ClassCastException | IllegalArgumentException | IllegalStateException e) {
            // a captured value changed type (e.g. an int that reads as a String): the task itself then fails
            assertTrue(damaged.length == bytes.length, "only an altered value reaches the task: " + e);
        }
    }

    @Provide
    Arbitrary<int[]> damage() {
        return Arbitraries.integers().between(0, 400).tuple3().map(t -> new int[]{t.get1(),
                Math.floorMod(t.get2(), 9) == 0 ? 0 : 1 << Math.floorMod(t.get2(), 8), t.get3()});
    }

    @Test
    void listsKeepTheAllowList() throws Exception {
        JavaSerializationCodec intsOnly = new JavaSerializationCodec("java.lang.Integer;java.util.ArrayList;!*");
        ArrayList<Object> ints = new ArrayList<>(List.of(1, -2, Integer.MAX_VALUE));
        assertEquals(ints, intsOnly.decode(intsOnly.encode(ints), loader));
        ArrayList<Object> withLong = new ArrayList<>(List.of(1, 2L));
        assertThrows(InvalidClassException.class, () -> intsOnly.encode(withLong));
        byte[] written = codec.encode(withLong);
        assertThrows(InvalidClassException.class, () -> intsOnly.decode(written, loader));
    }
}
