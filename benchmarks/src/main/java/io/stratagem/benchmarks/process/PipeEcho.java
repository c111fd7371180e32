package io.stratagem.benchmarks.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The floor for a round trip: a raw {@link ProcessBuilder} echo between two JVMs over the same kind of pipes the pool
 * uses (child stdin/stdout, length-prefixed frames, buffered streams, one flush per message), with no serialization,
 * no scheduling and no futures.
 */
public final class PipeEcho {
    private PipeEcho() {
    }

    /** The child side: echoes every frame back. */
    public static void main(String[] args) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        byte[] buf = new byte[1 << 16];
        while (true) {
            int len;
            try {
                len = in.readInt();
            } catch (java.io.EOFException e) {
                return;
            }
            in.readFully(buf, 0, len);
            out.writeInt(len);
            out.write(buf, 0, len);
            out.flush();
        }
    }

    /** p50 round trip in microseconds of {@code n} messages of {@code size} bytes, after {@code warmup} untimed ones. */
    static double p50Micros(String java, String classPath, int warmup, int n, int size) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", classPath, PipeEcho.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(p.getOutputStream(), 1 << 16));
            DataInputStream in = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16));
            byte[] msg = new byte[size];
            long[] lat = new long[n];
            for (int i = 0; i < warmup + n; i++) {
                long t = System.nanoTime();
                out.writeInt(size);
                out.write(msg);
                out.flush();
                int len = in.readInt();
                in.readFully(msg, 0, len);
                if (i >= warmup) {
                    lat[i - warmup] = System.nanoTime() - t;
                }
            }
            Arrays.sort(lat);
            out.close();
            return lat[n / 2] / 1000.0;
        } finally {
            p.destroy();
            p.waitFor();
        }
    }
}
