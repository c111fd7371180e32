package io.stratagem.process.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
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

    private static final ClassValue<Method> DESERIALIZE = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                Method m = type.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
                m.setAccessible(true);
                return m;
            } catch (NoSuchMethodException | RuntimeException e) {
                return null;
            }
        }
    };

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
        Method m = DESERIALIZE.get(capturing);
        if (m == null) {
            throw new InvalidObjectException(capturingName + " has no serializable lambdas");
        }
        SerializedLambda l = new SerializedLambda(capturing, fi, fiMethod, fiSig, kind, implClass, implMethod, implSig,
                instantiated, args);
        try {
            return m.invoke(null, l);
        } catch (InvocationTargetException e) {
            InvalidObjectException x = new InvalidObjectException("cannot recreate a lambda of " + capturingName + ": "
                    + e.getCause());
            x.initCause(e.getCause());
            throw x;
        } catch (IllegalAccessException e) {
            throw new InvalidObjectException("cannot recreate a lambda of " + capturingName + ": " + e);
        }
    }
}
