package io.stratagem.process.internal;

import io.stratagem.process.TaskCodec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Java serialization behind an {@link ObjectInputFilter} allow-list, applied on both sides: when decoding (the JDK
 * filter), and when encoding, where every object written is checked against the same filter so that a class that the
 * other side would reject fails at {@code submit} on the caller's thread, naming the class, not later in a worker.
 * Thread-safe.
 */
public final class JavaSerializationCodec implements TaskCodec {

    /** Classes every task needs: the JDK's value and collection types, lambdas, and Stratagem's own types. */
    public static final String BASE_ALLOW_LIST = "java.lang.*;java.lang.invoke.SerializedLambda;java.util.**;"
            + "java.time.**;java.math.*;java.io.*;java.net.URI;java.net.URL;io.stratagem.**";

    private static final String LIMITS = "maxdepth=500;maxrefs=10000000";

    private final String pattern;
    private final ObjectInputFilter filter;

    /**
     * @param pattern a JEP 290 filter pattern ({@code ObjectInputFilter.Config.createFilter}); end it with
     *                {@code !*} for an allow-list
     */
    public JavaSerializationCodec(String pattern) {
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.patterns = new ClassPatterns(LIMITS + ";" + pattern);
        this.filter = this::checkCached;
        this.fastInt = allowed(Integer.class);
        this.fastLong = allowed(Long.class);
        this.fastString = allowed(String.class);
    }

    private final ClassPatterns patterns;
    private final ClassValue<ObjectInputFilter.Status> decisions = new ClassValue<>() {
        @Override
        protected ObjectInputFilter.Status computeValue(Class<?> type) {
            return patterns.decide(type);
        }
    };

    /**
     * The pattern's decision per class, cached: the JDK's pattern filter matches strings (and traces) for every object
     * read or written, which cost about 1 us per element of a list of 2,500 results. The pattern is matched by
     * {@link ClassPatterns}, as the JDK's filter matches it, without initializing {@code ObjectInputFilter.Config}
     * (about 20 ms in a fresh worker, before its first task).
     */
    private ObjectInputFilter.Status checkCached(ObjectInputFilter.FilterInfo info) {
        if (info.depth() > 500 || info.references() > 10_000_000) {
            return ObjectInputFilter.Status.REJECTED;
        }
        Class<?> c = info.serialClass();
        if (c == null) {
            return ObjectInputFilter.Status.UNDECIDED;
        }
        while (c.isArray()) {
            c = c.getComponentType();
        }
        return c.isPrimitive() ? ObjectInputFilter.Status.UNDECIDED : decisions.get(c);
    }

    /**
     * The class a lambda was written in, or null if it is not found here (the reader will report it).
     *
     * @throws InvalidClassException if it is not in the allow-list
     */
    Class<?> lambdaClassCheck(String capturingClass) throws IOException {
        Class<?> c;
        try {
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            c = Class.forName(capturingClass, false, cl != null ? cl : getClass().getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (!allowed(c)) {
            throw lambdaNotAllowed(capturingClass, c);
        }
        return c;
    }

    private final boolean fastInt;
    private final boolean fastLong;
    private final boolean fastString;

    boolean allowsInt() {
        return fastInt;
    }

    boolean allowsLong() {
        return fastLong;
    }

    boolean allowsString() {
        return fastString;
    }

    boolean allowed(Class<?> c) {
        return decisions.get(c) != ObjectInputFilter.Status.REJECTED;
    }

    /** The allow-list pattern of {@link #BASE_ALLOW_LIST} plus {@code extra} patterns, rejecting everything else. */
    public static String allowList(Iterable<String> extra) {
        StringBuilder sb = new StringBuilder(BASE_ALLOW_LIST);
        for (String p : extra) {
            sb.append(';').append(p);
        }
        return sb.append(";!*").toString();
    }

    public String pattern() {
        return pattern;
    }

    // The first byte says how the rest is encoded: the commonest results skip ObjectOutputStream (about 1 us to write
    // and 3 us to read an Integer that way).
    private static final byte JAVA = 0;
    private static final byte NULL = 1;
    private static final byte INT = 2;
    private static final byte LONG = 3;
    private static final byte STRING = 4;
    private static final byte LAMBDA = 5;
    private static final byte LIST = 6;
    private static final byte RECORD = 7;

    private final CompositeForms composites = new CompositeForms(this);

    private final LambdaCodec lambdas = new LambdaCodec(this);

    @Override
    public byte[] encode(Object value) throws IOException {
        if (value == null) {
            return new byte[]{NULL};
        }
        if (value instanceof Integer i && fastInt) {
            int v = i;
            return new byte[]{INT, (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        if (value instanceof Long l && fastLong) {
            byte[] b = new byte[9];
            b[0] = LONG;
            for (int k = 0; k < 8; k++) {
                b[1 + k] = (byte) (l >>> (56 - 8 * k));
            }
            return b;
        }
        if (value instanceof String str && fastString && str.length() < 4096) {
            byte[] utf = str.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] b = new byte[utf.length + 1];
            b[0] = STRING;
            System.arraycopy(utf, 0, b, 1, utf.length);
            return b;
        }
        byte[] lambda = lambdas.encode(value, LAMBDA);
        if (lambda != null) {
            return lambda;
        }
        byte[] fast = composites.list(value, LIST);
        if (fast == null) {
            fast = composites.record(value, RECORD);
        }
        if (fast != null) {
            return fast;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.write(JAVA);
        try (CheckingOutputStream out = new CheckingOutputStream(bytes, this)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    /** {@code lambda}, written in {@code capturing}, encoded as {@link #encode} encodes such a lambda. */
    byte[] encodeLambda(java.lang.invoke.SerializedLambda lambda, Class<?> capturing) throws IOException {
        return lambdas.encode(lambda, capturing, LAMBDA);
    }

    @Override
    public Object decode(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
        if (bytes.length == 0) {
            throw new java.io.StreamCorruptedException("empty encoding");
        }
        switch (bytes[0]) {
            case NULL:
                return null;
            case INT:
                requireLength(bytes, 5);
                return (bytes[1] << 24) | ((bytes[2] & 0xFF) << 16) | ((bytes[3] & 0xFF) << 8) | (bytes[4] & 0xFF);
            case LONG:
                requireLength(bytes, 9);
                long v = 0;
                for (int k = 1; k <= 8; k++) {
                    v = (v << 8) | (bytes[k] & 0xFF);
                }
                return v;
            case STRING:
                return new String(bytes, 1, bytes.length - 1, java.nio.charset.StandardCharsets.UTF_8);
            case LAMBDA:
                return lambdas.decode(bytes, loader);
            case LIST:
                return composites.readList(bytes);
            case RECORD:
                return composites.readRecord(bytes, loader);
            case JAVA:
                try (LoaderInputStream in = new LoaderInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1), loader)) {
                    in.setObjectInputFilter(filter);
                    return in.readObject();
                }
            default:
                throw new java.io.StreamCorruptedException("unknown encoding tag " + bytes[0]);
        }
    }

    private static void requireLength(byte[] bytes, int n) throws IOException {
        if (bytes.length != n) {
            throw new java.io.StreamCorruptedException("expected " + n + " bytes, got " + bytes.length);
        }
    }

    /** Rejects, while writing, every class the filter would reject while reading. */
    private static final class CheckingOutputStream extends ObjectOutputStream {
        private final JavaSerializationCodec codec;

        CheckingOutputStream(OutputStream out, JavaSerializationCodec codec) throws IOException {
            super(out);
            this.codec = codec;
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) throws IOException {
            if (obj instanceof java.lang.invoke.SerializedLambda lambda) {
                // The reader checks the lambda's own (hidden) class, named after the class that wrote the lambda.
                Class<?> capturing = codec.lambdaClassCheck(lambda.getCapturingClass().replace('/', '.'));
                return capturing == null ? obj : LambdaRef.of(lambda, capturing);
            }
            Class<?> c = obj.getClass();
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (!c.isPrimitive() && !c.isHidden() && !codec.allowed(c)) {
                throw new InvalidClassException(c.getName(), "not in the serialization allow-list; allow it with "
                        + "ProcessPoolStrategy.builder().allowClasses(\"" + c.getPackageName() + ".*\")");
            }
            return obj;
        }
    }

    /** The error for a lambda whose capturing class is not allowed, with the pattern that would allow it. */
    private static InvalidClassException lambdaNotAllowed(String capturingClass, Class<?> c) {
        // the unnamed package has no ".**" pattern: the class itself is named then
        String pattern = c.getPackageName().isEmpty() ? c.getName() : c.getPackageName() + ".**";
        return new InvalidClassException(capturingClass + "$$Lambda", "a lambda written in " + capturingClass
                + ", which is not in the serialization allow-list; allow it with "
                + "ProcessPoolStrategy.builder().allowClasses(\"" + pattern + "\")");
    }

    /** One class checked on its own, as a filter sees it at depth 1 with no stream bytes and no array length. */
    record ClassInfo(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
        @Override
        public long arrayLength() {
            return -1;
        }

        @Override
        public long depth() {
            return 1;
        }

        @Override
        public long references() {
            return 1;
        }

        @Override
        public long streamBytes() {
            return 0;
        }
    }

    /** Resolves classes with a given loader (the caller's, or the worker's application loader). */
    static final class LoaderInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
