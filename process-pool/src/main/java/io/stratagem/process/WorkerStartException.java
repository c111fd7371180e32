package io.stratagem.process;

import java.util.List;

/**
 * The cause of a task's failure when the pool gave up starting workers: several in a row died before becoming ready
 * (a bad JVM option, a missing class, a failing initializer). The pool then stops respawning, fails queued work with
 * this exception, and fails every later submission with it too; build a new pool once the cause is fixed.
 */
public class WorkerStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int attempts;
    private final List<String> stderrTail;

    public WorkerStartException(int attempts, String detail, List<String> stderrTail) {
        super(message(attempts, detail, stderrTail));
        this.attempts = attempts;
        this.stderrTail = List.copyOf(stderrTail);
    }

    private static String message(int attempts, String detail, List<String> tail) {
        StringBuilder sb = new StringBuilder("worker processes failed to start ").append(attempts)
                .append(" times in a row; the pool stopped respawning. Last failure: ").append(detail);
        if (!tail.isEmpty()) {
            sb.append("; last stderr lines:");
            for (String line : tail) {
                sb.append("\n  ").append(line);
            }
        }
        return sb.toString();
    }

    /** How many consecutive start attempts failed. */
    public int attempts() {
        return attempts;
    }

    /** The last lines the last failing worker wrote to stderr. */
    public List<String> stderrTail() {
        return stderrTail;
    }
}
