package io.stratagem.process.internal;

import io.stratagem.process.RemoteTaskException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * How a task's exception crosses the pipe: the exception Java-serialized (so the caller gets the original type,
 * message, cause chain and the worker's stack trace), followed by a plain-text copy of its class name, message and
 * stack, used when the serialized form cannot be read on the caller's side (class missing or not allowed) or could not
 * be written in the worker (a non-serializable field). Either way the caller gets a readable error.
 */
public final class ErrorPayload {
    private ErrorPayload() {
    }

    private static final int MAX_MESSAGE_CHARS = 8_000;
    private static final int MAX_FRAMES = 200;

    public static byte[] encode(Throwable t, JavaSerializationCodec codec) {
        byte[] serialized;
        try {
            serialized = codec.encode(t);
        } catch (IOException | RuntimeException e) {
            serialized = new byte[0];
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(serialized.length + 512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(serialized.length);
            out.write(serialized);
            out.writeUTF(t.getClass().getName());
            String msg = t.getMessage();
            out.writeBoolean(msg != null);
            if (msg != null) {
                out.writeUTF(msg.length() > MAX_MESSAGE_CHARS ? msg.substring(0, MAX_MESSAGE_CHARS) + "..." : msg);
            }
            StackTraceElement[] st = t.getStackTrace();
            int n = Math.min(st.length, MAX_FRAMES);
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeUTF(st[i].getClassName());
                out.writeUTF(st[i].getMethodName());
                out.writeUTF(st[i].getFileName() == null ? "" : st[i].getFileName());
                out.writeInt(st[i].getLineNumber());
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** The exception as thrown in the worker, or a {@link RemoteTaskException} with its readable parts. */
    public static Throwable decode(byte[] payload, JavaSerializationCodec codec, ClassLoader loader) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int len = in.readInt();
        if (len < 0 || len > payload.length) {
            throw new FrameException("bad error payload: serialized length " + len + " of " + payload.length);
        }
        byte[] serialized = new byte[len];
        in.readFully(serialized);
        String className = in.readUTF();
        String message = in.readBoolean() ? in.readUTF() : null;
        int n = in.readInt();
        if (n < 0 || n > MAX_FRAMES) {
            throw new FrameException("bad error payload: " + n + " stack frames");
        }
        StackTraceElement[] st = new StackTraceElement[n];
        for (int i = 0; i < n; i++) {
            String cls = in.readUTF();
            String method = in.readUTF();
            String file = in.readUTF();
            st[i] = new StackTraceElement(cls, method, file.isEmpty() ? null : file, in.readInt());
        }
        String why;
        if (len == 0) {
            why = "it could not be serialized in the worker";
        } else {
            try {
                Object o = codec.decode(serialized, loader);
                if (o instanceof Throwable t) {
                    return t;
                }
                why = "it decoded to a " + (o == null ? "null" : o.getClass().getName());
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                why = e.toString();
            }
        }
        return new RemoteTaskException(className, message, st, why);
    }
}
