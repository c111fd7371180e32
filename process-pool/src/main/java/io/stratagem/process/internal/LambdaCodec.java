package io.stratagem.process.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A compact encoding for serializable lambdas, the usual shape of a task. Java serialization writes a lambda as a
 * {@link SerializedLambda} with full class descriptors and reads it back through a reflective lookup of
 * {@code $deserializeLambda$} on every read; parsing those descriptors dominated the cost of a tiny task (about 11 us
 * to read one). This writes the same ten fields as plain strings, each captured value through the enclosing codec,
 * and reads them back through a cached {@code $deserializeLambda$}, which validates them exactly as the JDK path does.
 * The allow-list applies to the capturing class (whose name prefixes the lambda's class) and to every captured value.
 */
final class LambdaCodec {

    private final JavaSerializationCodec outer;

    LambdaCodec(JavaSerializationCodec outer) {
        this.outer = outer;
    }

    private static final ClassValue<Method> WRITE_REPLACE = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                Method m = type.getDeclaredMethod("writeReplace");
                m.setAccessible(true);
                return m;
            } catch (NoSuchMethodException | RuntimeException e) {
                return null;
            }
        }
    };

    /**
     * Each capturing class's {@code $deserializeLambda$}, as a method handle called with {@code invokeExact}: in a
     * fresh worker, reflection's {@code Method.invoke} spun two more lambda-form classes on the way to the first task
     * (about 1.8 ms of a worker's first lambda read, 6.6 to 4.9 ms, measured in a JVM started from the workers' AOT
     * cache). The same access as {@code setAccessible}: the capturing class's package must be open to this module.
     */
    private static final ClassValue<MethodHandle> DESERIALIZE = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                LambdaCodec.class.getModule().addReads(type.getModule()); // a named module must read the target's
                return MethodHandles.privateLookupIn(type, MethodHandles.lookup()).findStatic(type,
                        "$deserializeLambda$", MethodType.methodType(Object.class, SerializedLambda.class));
            } catch (NoSuchMethodException | IllegalAccessException | RuntimeException e) {
                return null;
            }
        }
    };

    /**
     * The lambda {@code l} describes, recreated by {@code capturing}'s own {@code $deserializeLambda$}, which checks
     * that the class really has such a lambda, as the JDK's {@code SerializedLambda.readResolve} does.
     *
     * @throws InvalidObjectException if {@code capturing} has no serializable lambdas or rejects this one
     */
    static Object recreate(Class<?> capturing, SerializedLambda l) throws InvalidObjectException {
        MethodHandle m = DESERIALIZE.get(capturing);
        if (m == null) {
            throw new InvalidObjectException(capturing.getName() + " has no serializable lambdas");
        }
        try {
            return (Object) m.invokeExact(l);
        } catch (Throwable t) { // as Method.invoke wrapped anything the method threw
            InvalidObjectException x = new InvalidObjectException("cannot recreate a lambda of " + capturing.getName()
                    + ": " + t);
            x.initCause(t);
            throw x;
        }
    }

    /** The lambda's serialized form, or null if {@code value} is not a lambda this codec can take apart. */
    static SerializedLambda unwrap(Object value) {
        Class<?> c = value.getClass();
        if (!c.isHidden() || !(value instanceof Serializable)) {
            return null;
        }
        Method m = WRITE_REPLACE.get(c);
        if (m == null) {
            return null;
        }
        try {
            return m.invoke(value) instanceof SerializedLambda l ? l : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    // The encoding: the tag; a fingerprint of the shape (8 bytes) and the shape's length (4); the shape, which is
    // everything but the captured values (the capturing class, then the SerializedLambda's nine strings and ints);
    // the number of captured values (4); each captured value as its length (4) and the enclosing codec's bytes. A
    // lambda class always has the same shape, so the writer builds it once per class and the reader parses it once per
    // distinct shape: about 0.6 of the 1.1 us that writing and reading a tiny task's lambda took.
    private static final int SHAPE_AT = 1 + 8 + 4;

    /**
     * Each lambda class's shape as written, with the fingerprint and length in front; filled on first use. The
     * reference is volatile (an {@code AtomicReference}) so that a thread that sees it also sees the array's bytes.
     */
    private final ClassValue<AtomicReference<byte[]>> writtenShapes = new ClassValue<>() {
        @Override
        protected AtomicReference<byte[]> computeValue(Class<?> type) {
            return new AtomicReference<>();
        }
    };

    /** Shapes read so far, per loader and fingerprint; a few hundred at most (a worker runs a program's lambdas). */
    private final ConcurrentHashMap<ClassLoader, ConcurrentHashMap<Long, ReadShape>> readShapes =
            new ConcurrentHashMap<>();

    private static final int MAX_READ_SHAPES = 512;

    /** A shape read, parsed and checked against the allow-list, with its strings interned. */
    private record ReadShape(byte[] bytes, Class<?> capturing, String fi, String fiMethod, String fiSig, int kind,
                             String implClass, String implMethod, String implSig, String instantiated) {
    }

    /**
     * {@code value} encoded with {@code tag}, or null if it is not a serializable lambda or its capturing class is not
     * found here.
     *
     * @throws InvalidClassException if the capturing class is not in the allow-list
     */
    byte[] encode(Object value, byte tag) throws IOException {
        SerializedLambda l = unwrap(value);
        if (l == null) {
            return null;
        }
        AtomicReference<byte[]> cached = writtenShapes.get(value.getClass());
        byte[] shape = cached.get();
        if (shape == null) {
            Class<?> capturing = outer.lambdaClassCheck(l.getCapturingClass().replace('/', '.'));
            if (capturing == null) {
                return null;
            }
            shape = shape(l, capturing);
            cached.set(shape); // racing writers compute the same bytes
        }
        return assemble(tag, shape, l);
    }

    /** {@code l}, written in {@code capturing} (already checked against the allow-list), encoded with {@code tag}. */
    byte[] encode(SerializedLambda l, Class<?> capturing, byte tag) throws IOException {
        return assemble(tag, shape(l, capturing), l);
    }

    private static byte[] shape(SerializedLambda l, Class<?> capturing) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeLong(0); // the fingerprint, filled in below
        out.writeInt(0); // the length
        out.writeUTF(capturing.getName());
        out.writeUTF(l.getFunctionalInterfaceClass());
        out.writeUTF(l.getFunctionalInterfaceMethodName());
        out.writeUTF(l.getFunctionalInterfaceMethodSignature());
        out.writeInt(l.getImplMethodKind());
        out.writeUTF(l.getImplClass());
        out.writeUTF(l.getImplMethodName());
        out.writeUTF(l.getImplMethodSignature());
        out.writeUTF(l.getInstantiatedMethodType());
        out.flush();
        byte[] b = bytes.toByteArray();
        int length = b.length - 12;
        long fingerprint = 0xcbf29ce484222325L; // FNV-1a over the shape
        for (int i = 12; i < b.length; i++) {
            fingerprint = (fingerprint ^ (b[i] & 0xFF)) * 0x100000001b3L;
        }
        ByteBuffer.wrap(b).putLong(0, fingerprint).putInt(8, length);
        return b;
    }

    private byte[] assemble(byte tag, byte[] shape, SerializedLambda l) throws IOException {
        int n = l.getCapturedArgCount();
        byte[][] args = new byte[n][];
        int size = 1 + shape.length + 4;
        for (int i = 0; i < n; i++) {
            args[i] = outer.encode(l.getCapturedArg(i));
            size += 4 + args[i].length;
        }
        byte[] out = new byte[size];
        out[0] = tag;
        System.arraycopy(shape, 0, out, 1, shape.length);
        ByteBuffer b = ByteBuffer.wrap(out);
        int pos = 1 + shape.length;
        b.putInt(pos, n);
        pos += 4;
        for (byte[] arg : args) {
            b.putInt(pos, arg.length);
            System.arraycopy(arg, 0, out, pos + 4, arg.length);
            pos += 4 + arg.length;
        }
        return out;
    }

    Object decode(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
        if (bytes.length < SHAPE_AT + 4) {
            throw new InvalidObjectException("a lambda of " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long fingerprint = b.getLong(1);
        int length = b.getInt(9);
        if (length < 1 || length > bytes.length - SHAPE_AT - 4) {
            throw new InvalidObjectException("a lambda's shape of " + length + " bytes in " + bytes.length);
        }
        ConcurrentHashMap<Long, ReadShape> known = readShapes.computeIfAbsent(loader, k -> new ConcurrentHashMap<>());
        ReadShape shape = known.get(fingerprint);
        if (shape == null || !Arrays.equals(shape.bytes(), 0, shape.bytes().length, bytes, SHAPE_AT,
                SHAPE_AT + length)) {
            shape = readShape(Arrays.copyOfRange(bytes, SHAPE_AT, SHAPE_AT + length), loader);
            if (known.size() < MAX_READ_SHAPES) {
                known.put(fingerprint, shape);
            }
        }
        int pos = SHAPE_AT + length;
        int n = b.getInt(pos);
        pos += 4;
        if (n < 0 || n > 255) {
            throw new InvalidObjectException("a lambda with " + n + " captured values");
        }
        Object[] args = new Object[n];
        for (int i = 0; i < n; i++) {
            int len = pos + 4 <= bytes.length ? b.getInt(pos) : -1;
            if (len < 1 || len > bytes.length - pos - 4) {
                throw new InvalidObjectException("captured value " + i + " of " + len + " bytes");
            }
            args[i] = outer.decode(Arrays.copyOfRange(bytes, pos + 4, pos + 4 + len), loader);
            pos += 4 + len;
        }
        return recreate(shape.capturing(), new SerializedLambda(shape.capturing(), shape.fi(), shape.fiMethod(),
                shape.fiSig(), shape.kind(), shape.implClass(), shape.implMethod(), shape.implSig(),
                shape.instantiated(), args));
    }

    /**
     * Parses a shape and checks its capturing class against the allow-list. The strings are interned: the capturing
     * class's {@code $deserializeLambda$} compares them with its own constants, and identical strings compare at once.
     */
    private ReadShape readShape(byte[] shape, ClassLoader loader) throws IOException, ClassNotFoundException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(shape));
        String capturingName = in.readUTF();
        Class<?> capturing = Class.forName(capturingName, false, loader);
        if (!outer.allowed(capturing)) {
            throw new InvalidClassException(capturingName + "$$Lambda", "filter status: REJECTED (a lambda written in "
                    + capturingName + ", which is not in the serialization allow-list)");
        }
        return new ReadShape(shape, capturing, in.readUTF().intern(), in.readUTF().intern(), in.readUTF().intern(),
                in.readInt(), in.readUTF().intern(), in.readUTF().intern(), in.readUTF().intern(),
                in.readUTF().intern());
    }
}
