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
import java.nio.charset.StandardCharsets;
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

    /**
     * An ArrayList whose elements are all null, Integer, Long or String (each allowed by the codec's allow-list), as
     * {@code tag 'i' n int*} when all are Integers (the usual {@code map} chunk) or {@code tag 'm' n (kind value)*};
     * else null. Written straight into an array: a {@code map} chunk is encoded a few times before the JIT has
     * compiled this loop, and a call or a lock per element was most of its cost then.
     */
    byte[] list(Object value, byte tag) {
        if (value.getClass() != ArrayList.class) {
            return null;
        }
        ArrayList<?> list = (ArrayList<?>) value;
        int n = list.size();
        boolean ints = outer.allowsInt();
        for (int i = 0; i < n && ints; i++) {
            ints = list.get(i) instanceof Integer;
        }
        if (ints) {
            byte[] b = new byte[6 + 4 * n];
            b[0] = tag;
            b[1] = 'i';
            int at = putInt(b, 2, n);
            for (int i = 0; i < n; i++) {
                at = putInt(b, at, (Integer) list.get(i));
            }
            return b;
        }
        byte[] b = new byte[16 + n * 5];
        b[0] = tag;
        b[1] = 'm';
        int at = putInt(b, 2, n);
        for (int i = 0; i < n; i++) {
            Object e = list.get(i);
            if (b.length - at < 9) {
                b = java.util.Arrays.copyOf(b, b.length * 2);
            }
            if (e == null) {
                b[at++] = 'N';
            } else if (e instanceof Integer v && outer.allowsInt()) {
                b[at++] = 'I';
                at = putInt(b, at, v);
            } else if (e instanceof Long v && outer.allowsLong()) {
                b[at++] = 'J';
                at = putInt(b, putInt(b, at, (int) (v >>> 32)), (int) (long) v);
            } else if (e instanceof String v && v.length() < 8192 && outer.allowsString()) {
                byte[] utf = v.getBytes(StandardCharsets.UTF_8);
                if (b.length - at < 5 + utf.length) {
                    b = java.util.Arrays.copyOf(b, Math.max(b.length * 2, at + 5 + utf.length));
                }
                b[at++] = 'S';
                at = putInt(b, at, utf.length);
                System.arraycopy(utf, 0, b, at, utf.length);
                at += utf.length;
            } else {
                return null;
            }
        }
        return java.util.Arrays.copyOf(b, at);
    }

    private static int putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
        return at + 4;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    ArrayList<Object> readList(byte[] b) throws IOException {
        if (b.length < 6) {
            throw new InvalidObjectException("a list of " + b.length + " bytes");
        }
        byte kind = b[1];
        int n = getInt(b, 2);
        if (n < 0 || n > b.length) {
            throw new InvalidObjectException("a list of " + n + " elements in " + b.length + " bytes");
        }
        ArrayList<Object> list = new ArrayList<>(n);
        if (kind == 'i') {
            if (b.length != 6 + 4L * n) {
                throw new InvalidObjectException("a list of " + n + " ints in " + b.length + " bytes");
            }
            requireAllowed(outer.allowsInt(), Integer.class);
            for (int i = 0, at = 6; i < n; i++, at += 4) {
                list.add(getInt(b, at));
            }
            return list;
        }
        if (kind != 'm') {
            throw new InvalidObjectException("bad list kind " + kind);
        }
        int at = 6;
        for (int i = 0; i < n; i++) {
            if (at >= b.length) {
                throw new InvalidObjectException("list truncated at element " + i);
            }
            byte t = b[at++];
            int need = switch (t) {
                case 'N' -> 0;
                case 'I', 'S' -> 4;
                case 'J' -> 8;
                default -> throw new InvalidObjectException("bad list element tag at " + i);
            };
            if (b.length - at < need) {
                throw new InvalidObjectException("list truncated at element " + i);
            }
            switch (t) {
                case 'N' -> list.add(null);
                case 'I' -> {
                    requireAllowed(outer.allowsInt(), Integer.class);
                    list.add(getInt(b, at));
                    at += 4;
                }
                case 'J' -> {
                    requireAllowed(outer.allowsLong(), Long.class);
                    list.add(((long) getInt(b, at) << 32) | (getInt(b, at + 4) & 0xFFFFFFFFL));
                    at += 8;
                }
                default -> {
                    requireAllowed(outer.allowsString(), String.class);
                    int len = getInt(b, at);
                    at += 4;
                    if (len < 0 || len > b.length - at) {
                        throw new InvalidObjectException("a string of " + len + " bytes at element " + i);
                    }
                    list.add(new String(b, at, len, StandardCharsets.UTF_8));
                    at += len;
                }
            }
        }
        if (at != b.length) {
            throw new InvalidObjectException((b.length - at) + " bytes after the list");
        }
        return list;
    }

    private static void requireAllowed(boolean allowed, Class<?> c) throws InvalidClassException {
        if (!allowed) {
            throw new InvalidClassException(c.getName(), "filter status: REJECTED (not in the serialization allow-list)");
        }
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
