package io.stratagem;

/**
 * Thrown by {@code submit} when a task must cross into another process but it, something it captures, or its declared
 * result cannot be serialized. Names the offending class.
 */
public class TaskNotSerializableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String offendingClass;

    public TaskNotSerializableException(String offendingClass, String detail, Throwable cause) {
        super("task cannot be serialized: " + offendingClass + " is not serializable (" + detail
                + "); capture only serializable values, and not the enclosing instance", cause);
        this.offendingClass = offendingClass;
    }

    /** The fully qualified name of the class that could not be serialized. */
    public String offendingClass() {
        return offendingClass;
    }
}
