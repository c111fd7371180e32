package io.stratagem;

import java.util.List;
import java.util.Optional;

/**
 * The cause of a task's failure when the worker process running it died (exit, halt, signal, out of memory).
 * The pool replaces the worker; other tasks are unaffected.
 */
public class WorkerCrashedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int workerId;
    private final Integer exitCode;
    private final List<String> stderrTail;

    public WorkerCrashedException(int workerId, Integer exitCode, List<String> stderrTail, String detail) {
        super(message(workerId, exitCode, stderrTail, detail));
        this.workerId = workerId;
        this.exitCode = exitCode;
        this.stderrTail = List.copyOf(stderrTail);
    }

    private static String message(int workerId, Integer exitCode, List<String> tail, String detail) {
        StringBuilder sb = new StringBuilder("worker ").append(workerId).append(" died while running the task");
        if (exitCode != null) {
            sb.append(" (exit code ").append(exitCode);
            if (exitCode > 128) {
                sb.append(", signal ").append(exitCode - 128);
            }
            sb.append(')');
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append(": ").append(detail);
        }
        if (!tail.isEmpty()) {
            sb.append("; last stderr lines:");
            for (String line : tail) {
                sb.append("\n  ").append(line);
            }
        }
        return sb.toString();
    }

    /** The id of the worker that died. */
    public int workerId() {
        return workerId;
    }

    /** The process exit code, if it was seen; above 128 it is 128 + the signal number. */
    public Optional<Integer> exitCode() {
        return Optional.ofNullable(exitCode);
    }

    /** The last lines the worker wrote to stderr. */
    public List<String> stderrTail() {
        return stderrTail;
    }
}
