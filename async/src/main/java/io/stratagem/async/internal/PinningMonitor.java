package io.stratagem.async.internal;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reports carrier-thread pinning from JFR's {@code jdk.VirtualThreadPinned} event (a virtual thread that blocked while
 * it could not unmount: inside {@code synchronized} before JDK 24, in a native frame, in a class initializer). Started
 * only in debug mode: a JFR stream costs a thread and some startup time. JFR's events are JVM-wide, so this reports
 * pinning by any virtual thread of the process, not only the strategy's own. Thread-safe.
 */
public final class PinningMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PinningMonitor.class);

    private final RecordingStream stream;
    private final LongAdder count = new LongAdder();

    private PinningMonitor(String owner, Duration threshold) {
        stream = new RecordingStream();
        stream.enable("jdk.VirtualThreadPinned").withThreshold(threshold).withStackTrace();
        stream.onEvent("jdk.VirtualThreadPinned", e -> report(owner, e));
        stream.startAsync();
    }

    /** A running monitor, or null if JFR is not available in this JVM (logged at INFO). */
    public static PinningMonitor start(String owner, Duration threshold) {
        try {
            return new PinningMonitor(owner, threshold);
        } catch (RuntimeException | LinkageError e) {
            log.info("{}: carrier pinning is not reported: JFR is unavailable ({})", owner, e.toString());
            return null;
        }
    }

    /** How many pinning events were reported. */
    public long count() {
        return count.sum();
    }

    private void report(String owner, RecordedEvent e) {
        count.increment();
        String at = "unknown frame";
        if (e.getStackTrace() != null) {
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                if (f.isJavaFrame() && !f.getMethod().getType().getName().startsWith("java.")
                        && !f.getMethod().getType().getName().startsWith("jdk.")) {
                    at = f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
                    break;
                }
            }
        }
        log.warn("{}: a virtual thread pinned its carrier for {} ms at {}; avoid blocking in native code, class "
                + "initializers or (before JDK 24) synchronized blocks on virtual threads", owner, e.getDuration().toMillis(), at);
    }

    @Override
    public void close() {
        stream.close();
    }
}
