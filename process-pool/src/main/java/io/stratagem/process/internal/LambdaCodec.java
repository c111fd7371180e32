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
import java.util.concurrent.ConcurrentHashMap;

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

    private final ConcurrentHashMap<ClassLoader, ConcurrentHashMap<String, Class<?>>> classes = new ConcurrentHashMap<>();

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

    byte[] encode(SerializedLambda l, Class<?> capturing, byte tag) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(tag);
        out.writeUTF(capturing.getName());
        out.writeUTF(l.getFunctionalInterfaceClass());
        out.writeUTF(l.getFunctionalInterfaceMethodName());
        out.writeUTF(l.getFunctionalInterfaceMethodSignature());
        out.writeInt(l.getImplMethodKind());
        out.writeUTF(l.getImplClass());
        out.writeUTF(l.getImplMethodName());
        out.writeUTF(l.getImplMethodSignature());
        out.writeUTF(l.getInstantiatedMethodType());
        out.writeInt(l.getCapturedArgCount());
        for (int i = 0; i < l.getCapturedArgCount(); i++) {
            byte[] arg = outer.encode(l.getCapturedArg(i));
            out.writeInt(arg.length);
            out.write(arg);
        }
        out.flush();
        return bytes.toByteArray();
    }

    Object decode(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1));
        String capturingName = in.readUTF();
        Class<?> capturing = classes.computeIfAbsent(loader, k -> new ConcurrentHashMap<>()).get(capturingName);
        if (capturing == null) {
            capturing = Class.forName(capturingName, false, loader);
            classes.get(loader).put(capturingName, capturing);
        }
        if (!outer.allowed(capturing)) {
            throw new InvalidClassException(capturingName + "$$Lambda", "filter status: REJECTED (a lambda written in "
                    + capturingName + ", which is not in the serialization allow-list)");
        }
        String fi = in.readUTF();
        String fiMethod = in.readUTF();
        String fiSig = in.readUTF();
        int kind = in.readInt();
        String implClass = in.readUTF();
        String implMethod = in.readUTF();
        String implSig = in.readUTF();
        String instantiated = in.readUTF();
        int n = in.readInt();
        if (n < 0 || n > 255) {
            throw new InvalidObjectException("a lambda with " + n + " captured values");
        }
        Object[] args = new Object[n];
        for (int i = 0; i < n; i++) {
            int len = in.readInt();
            if (len < 1 || len > bytes.length) {
                throw new InvalidObjectException("captured value " + i + " of " + len + " bytes");
            }
            byte[] arg = new byte[len];
            in.readFully(arg);
            args[i] = outer.decode(arg, loader);
        }
        return recreate(capturing, new SerializedLambda(capturing, fi, fiMethod, fiSig, kind, implClass, implMethod,
                implSig, instantiated, args));
    }
}
