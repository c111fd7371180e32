package io.stratagem.process;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** A test codec: gzipped Java serialization. Public with a no-argument constructor, as workers create their own. */
public final class GzipCodec implements TaskCodec {
    private static final AtomicInteger ENCODED = new AtomicInteger();

    static void reset() {
        ENCODED.set(0);
    }

    static int encoded() {
        return ENCODED.get();
    }

    @Override
    public byte[] encode(Object value) throws IOException {
        ENCODED.incrementAndGet();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(new GZIPOutputStream(bytes))) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            @Override
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                return Class.forName(desc.getName(), false, loader);
            }
        }) {
            return in.readObject();
        }
    }
}
