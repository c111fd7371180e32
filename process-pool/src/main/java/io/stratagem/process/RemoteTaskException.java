package io.stratagem.process;

import java.util.Objects;

/**
 * A task's exception that could not be recreated in the caller's JVM (its class is missing here, is not in the
 * serialization allow-list, or failed to serialize in the worker). It carries what could be read: the original class
 * name, message and the worker's stack trace (as this exception's own stack trace).
 */
public class RemoteTaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String remoteClassName;

    public RemoteTaskException(String remoteClassName, String remoteMessage, StackTraceElement[] remoteStack,
                               String whyNotRecreated) {
        super(remoteClassName + (remoteMessage == null ? "" : ": " + remoteMessage)
                + " [thrown in a worker; not recreated here: " + whyNotRecreated + "]");
        this.remoteClassName = Objects.requireNonNull(remoteClassName, "remoteClassName");
        setStackTrace(remoteStack);
    }

    /** The fully qualified name of the exception class the task threw in the worker. */
    public String remoteClassName() {
        return remoteClassName;
    }
}
