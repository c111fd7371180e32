package io.stratagem.process.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compact forms for the two composites that carry most task data: an {@code ArrayList} of scalars (the inputs and
 * outputs of a {@code map} chunk) and a record (a chunk task itself, and many user tasks). Java serialization spent
 * about 0.4 us per element on a list of 2,500 integers; these spend a few nanoseconds. Records are rebuilt through
 * their canonical constructor, as Java serialization rebuilds them; a record that customizes its serialization
 * ({@code writeReplace}/{@code readResolve}) takes the Java path. Records are values: a record referenced twice is
 * sent twice. The allow-list applies to every record class.
 */
final class CompositeForms {

    private final JavaSerializationCodec outer;
    private final ConcurrentHashMap<ClassLoader, ConcurrentHashMap<String, Class<?>>> classes = new ConcurrentHashMap<>();

    CompositeForms(JavaSerializationCodec outer) {
        this.outer = outer;
    }

    private record Shape(Method[] accessors, Constructor<?> constructor) {
    }

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            if (!type.isRecord() || !java.io.Serializable.class.isAssignableFrom(type)) {
                return null;
            }
            for (String custom : new String[]{"writeReplace", "readResolve"}) {
                try {
                    type.getDeclaredMethod(custom);
                    return null;
                } catch (NoSuchMethodException expected) {
                    // not customized
                }
            }
            try {
                RecordComponent[] rc = type.getRecordComponents();
                Method[] accessors = new Method[rc.length];
                Class<?>[] types = new Class<?>[rc.length];
                for (int i = 0; i < rc.length; i++) {
                    accessors[i] = rc[i].getAccessor();
                    accessors[i].setAccessible(true);
                    types[i] = rc[i].getType();
                }
                Constructor<?> c = type.getDeclaredConstructor(types);
                c.setAccessible(true);
                return new Shape(accessors, c);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    };

    /** An ArrayList whose elements are all null, Integer, Long or String, as {@code tag n elements}; else null. */
    static byte[] list(Object value, byte tag) throws IOException {
        if (value.getClass() != ArrayList.class) {
            return null;
        }
        ArrayList<?> list = (ArrayList<?>) value;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + list.size() * 5);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(tag);
        out.writeInt(list.size());
        for (Object e : list) {
            if (e == null) {
                out.writeByte('N');
            } else if (e instanceof Integer i) {
                out.writeByte('I');
                out.writeInt(i);
            } else if (e instanceof Long l) {
                out.writeByte('J');
                out.writeLong(l);
            } else if (e instanceof String s && s.length() < 8192) {
                out.writeByte('S');
                out.writeUTF(s);
            } else {
                return null;
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    static ArrayList<Object> readList(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1));
        int n = in.readInt();
        if (n < 0 || n > bytes.length) {
            throw new InvalidObjectException("a list of " + n + " elements in " + bytes.length + " bytes");
        }
        ArrayList<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            switch (in.readByte()) {
                case 'N' -> list.add(null);
                case 'I' -> list.add(in.readInt());
                case 'J' -> list.add(in.readLong());
                case 'S' -> list.add(in.readUTF());
                default -> throw new InvalidObjectException("bad list element tag at " + i);
            }
        }
        return list;
    }

    /** A plain serializable record as {@code tag class n (len bytes)*}, each component through the codec; else null. */
    byte[] record(Object value, byte tag) throws IOException {
        Shape shape = SHAPES.get(value.getClass());
        if (shape == null || !outer.allowed(value.getClass())) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(tag);
        out.writeUTF(value.getClass().getName());
        out.writeByte(shape.accessors().length);
        for (Method m : shape.accessors()) {
            Object component;
            try {
                component = m.invoke(value);
            } catch (ReflectiveOperationException e) {
                return null;
            }
            byte[] c = outer.encode(component);
            out.writeInt(c.length);
            out.write(c);
        }
        out.flush();
        return bytes.toByteArray();
    }

    Object readRecord(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1));
        String name = in.readUTF();
        ConcurrentHashMap<String, Class<?>> byName = classes.computeIfAbsent(loader, k -> new ConcurrentHashMap<>());
        Class<?> c = byName.get(name);
        if (c == null) {
            c = Class.forName(name, false, loader);
            byName.put(name, c);
        }
        if (!outer.allowed(c)) {
            throw new InvalidClassException(name, "filter status: REJECTED (not in the serialization allow-list)");
        }
        Shape shape = SHAPES.get(c);
        int n = in.readUnsignedByte();
        if (shape == null || n != shape.accessors().length) {
            throw new InvalidClassException(name, "not a record with " + n + " components here");
        }
        Object[] args = new Object[n];
        for (int i = 0; i < n; i++) {
            int len = in.readInt();
            if (len < 1 || len > bytes.length) {
                throw new InvalidObjectException("component " + i + " of " + len + " bytes");
            }
            byte[] b = new byte[len];
            in.readFully(b);
            args[i] = outer.decode(b, loader);
        }
        try {
            return shape.constructor().newInstance(args);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            InvalidObjectException x = new InvalidObjectException("cannot rebuild record " + name + ": " + e);
            x.initCause(e);
            throw x;
        }
    }
}
