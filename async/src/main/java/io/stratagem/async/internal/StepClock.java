package io.stratagem.async.internal;

import io.stratagem.async.SlowStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;

/** Reports steps that held the loop (or the LOOP permit) longer than the debug threshold. Thread-safe. */
public final class StepClock {

    private static final Logger log = LoggerFactory.getLogger(StepClock.class);

    private final String owner;
    private final boolean debug;
    private final long thresholdNanos;
    private final Consumer<SlowStep> listener;
    private final String where;

    public StepClock(String owner, boolean debug, Duration threshold, Consumer<SlowStep> listener, String where) {
        this.owner = owner;
        this.debug = debug;
        this.thresholdNanos = threshold.toNanos();
        this.listener = listener;
        this.where = where;
    }

    /** Whether steps are measured at all (debug mode). */
    public boolean enabled() {
        return debug;
    }

    /** Records a step of {@code nanos} by {@code name}; logs and notifies if it was slow. */
    public void step(String name, long nanos) {
        if (debug && nanos > thresholdNanos) {
            log.warn("{}: '{}' held the loop for {} ms without waiting (threshold {} ms); move CPU work off the loop "
                            + "and wrap blocking calls (ctx.blocking / toThread)", owner, name, nanos / 1_000_000,
                    thresholdNanos / 1_000_000);
            listener.accept(new SlowStep(name, Duration.ofNanos(nanos), where));
        }
    }
}
