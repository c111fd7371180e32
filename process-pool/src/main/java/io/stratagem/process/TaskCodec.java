package io.stratagem.process;

import java.io.IOException;

/**
 * Turns tasks and results into bytes for the pipe and back. The default is Java serialization behind an
 * {@link java.io.ObjectInputFilter} allow-list (see {@link ProcessPoolStrategy.Builder#allowClasses}); plug another
 * one in with {@link ProcessPoolStrategy.Builder#codec}. Task exceptions always travel with Java serialization (with a
 * readable fallback when that fails).
 *
 * <p>The worker JVM creates its own instance by calling the public no-argument constructor of the same class, so an
 * implementation must have one and must be on the workers' class path. Implementations must be thread-safe.
 */
public interface TaskCodec {

    /**
     * Encodes a task (or a task's result).
     *
     * @throws java.io.NotSerializableException naming the offending class, if a part cannot be encoded
     * @throws IOException                      for any other encoding failure
     */
    byte[] encode(Object value) throws IOException;

    /**
     * Decodes what {@link #encode} produced, resolving classes with {@code loader}.
     *
     * @throws IOException            if the bytes are not a valid encoding or name a class that is not allowed
     * @throws ClassNotFoundException if a class cannot be found
     */
    Object decode(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException;
}
