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
        this.filter = ObjectInputFilter.Config.createFilter(LIMITS + ";" + pattern);
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

    @Override
    public byte[] encode(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (CheckingOutputStream out = new CheckingOutputStream(bytes, filter)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
        try (LoaderInputStream in = new LoaderInputStream(new ByteArrayInputStream(bytes), loader)) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        }
    }

    /** Rejects, while writing, every class the filter would reject while reading. */
    private static final class CheckingOutputStream extends ObjectOutputStream {
        private final ObjectInputFilter filter;

        CheckingOutputStream(OutputStream out, ObjectInputFilter filter) throws IOException {
            super(out);
            this.filter = filter;
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) throws IOException {
            Class<?> c = obj.getClass();
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (!c.isPrimitive() && !c.isHidden() && filter.checkInput(new ClassInfo(c)) == ObjectInputFilter.Status.REJECTED) {
                throw new InvalidClassException(c.getName(), "not in the serialization allow-list; allow it with "
                        + "ProcessPoolStrategy.builder().allowClasses(\"" + c.getPackageName() + ".*\")");
            }
            return obj;
        }
    }

    private record ClassInfo(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
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
