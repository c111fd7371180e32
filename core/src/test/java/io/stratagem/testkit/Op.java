package io.stratagem.testkit;

import io.stratagem.TaskContext;

import java.io.Serializable;
import java.time.Duration;

/** A small generated computation for the kit's "same results as sequential" property. */
public record Op(Kind kind, int a, int b) implements Serializable {

    public enum Kind { ADD, MUL, DIV, FAIL, SLEEP_ADD, CHECKPOINTS }

    /** Evaluates the op; {@code ctx} is null when run sequentially on the test thread. */
    public int evaluate(TaskContext ctx) throws KitTasks.KitException {
        switch (kind) {
            case ADD:
                return a + b;
            case MUL:
                return a * b;
            case DIV:
                return a / b; // ArithmeticException for b == 0
            case FAIL:
                throw new KitTasks.KitException("op failed with " + a + "," + b);
            case SLEEP_ADD:
                if (ctx != null) {
                    ctx.sleep(Duration.ofMillis(Math.floorMod(a, 3)));
                }
                return a + b;
            case CHECKPOINTS:
                int acc = 0;
                for (int i = 0; i < Math.floorMod(a, 50); i++) {
                    if (ctx != null) {
                        ctx.checkpoint();
                    }
                    acc += b;
                }
                return acc;
            default:
                throw new AssertionError(kind);
        }
    }

    /** What running it gave: a value, or an exception's type and message. */
    public record Outcome(Integer value, String errorType, String errorMessage) {
        public static Outcome of(Op op) {
            try {
                return new Outcome(op.evaluate(null), null, null);
            } catch (Exception e) {
                return new Outcome(null, e.getClass().getName(), e.getMessage());
            }
        }
    }
}
