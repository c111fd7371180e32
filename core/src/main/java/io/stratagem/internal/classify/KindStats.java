package io.stratagem.internal.classify;

import io.stratagem.Backend;
import io.stratagem.PlacementReport;
import io.stratagem.Profile;
import io.stratagem.spi.TaskRun;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import static io.stratagem.internal.classify.Units.percent;
import static io.stratagem.internal.classify.Units.time;

/**
 * What the auto strategy knows about one kind of task: its declaration, the running means of what was observed,
 * where its tasks went, how many are in flight, and the tasks held until a first observation arrives. All state is
 * guarded by {@code lock}; methods never block beyond it.
 */
final class KindStats {

    /** Observations needed before a declaration can be called contradicted. */
    static final int CONTRADICTION_MIN_OBSERVATIONS = 3;
    /** How far (in CPU share) observation and declaration may differ before they contradict. */
    static final double CONTRADICTION_SHARE = 0.5;

    final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private Profile declared;
    private long observations;
    private double cpuSum;
    private double waitSum;
    private final Map<Backend, Long> placements = new EnumMap<>(Backend.class);
    private int inFlight;
    private int observing;
    private final ArrayDeque<TaskRun<?>> held = new ArrayDeque<>();
    private String contradiction;

    KindStats(String name) {
        this.name = name;
    }

    /** Records a declaration (the first one seen wins; tasks of one kind normally declare the same). */
    void declare(Profile p) {
        lock.lock();
        try {
            if (declared == null) {
                declared = p;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The profile to place by: the observed one if the declaration is missing or contradicted, else the
     * declaration; empty when nothing is known yet.
     */
    Optional<Profile> placementProfile() {
        lock.lock();
        try {
            if (declared != null && contradiction == null) {
                return Optional.of(declared);
            }
            return observedLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * For an unknown kind: whether this task may run now to be observed (at most {@code limit} at a time);
     * otherwise it is held and will be placed once a first observation arrives.
     */
    boolean observeOrHold(TaskRun<?> run, int limit) {
        lock.lock();
        try {
            if (observations > 0 || declared != null) {
                return true;
            }
            if (observing < limit) {
                observing++;
                return true;
            }
            held.add(run);
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Removes a held run (it was cancelled before being placed). */
    void unhold(TaskRun<?> run) {
        lock.lock();
        try {
            held.remove(run);
        } finally {
            lock.unlock();
        }
    }

    void placed(Backend b) {
        lock.lock();
        try {
            placements.merge(b, 1L, Long::sum);
            inFlight++;
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records the end of one placed task, with its measurement if it completed normally.
     *
     * @return the held runs to place now (non-empty only after the first observation), and a contradiction
     *         message if this observation is the one that revealed it
     */
    Ended ended(Observed<?> o) {
        lock.lock();
        try {
            inFlight--;
            if (o == null) {
                if (observations == 0 && declared == null) {
                    observing = Math.max(0, observing - 1);
                    if (observing == 0 && !held.isEmpty()) {
                        // the observed run failed: let the next held one be observed instead
                        observing++;
                        return new Ended(List.of(held.poll()), null);
                    }
                }
                return new Ended(List.of(), null);
            }
            observations++;
            cpuSum += o.cpuNanos();
            waitSum += o.waitNanos();
            List<TaskRun<?>> release = new ArrayList<>(held);
            held.clear();
            String found = null;
            if (contradiction == null && declared != null && observations >= CONTRADICTION_MIN_OBSERVATIONS) {
                found = contradiction();
                contradiction = found;
            }
            return new Ended(release, found);
        } finally {
            lock.unlock();
        }
    }

    record Ended(List<TaskRun<?>> release, String contradiction) {
    }

    PlacementReport.Kind snapshot() {
        lock.lock();
        try {
            return new PlacementReport.Kind(name, Optional.ofNullable(declared), observedLocked(), observations,
                    placements, Optional.ofNullable(contradiction));
        } finally {
            lock.unlock();
        }
    }

    private Optional<Profile> observedLocked() {
        if (observations == 0) {
            return Optional.empty();
        }
        // Without a declaration nothing says the task leaves the caller's state alone: it may share state, so it
        // stays in-process (a captured AtomicLong would silently be a copy in a worker process).
        Profile base = declared != null ? declared : Profile.cpu(Duration.ZERO).sharingState();
        long cpu = Math.round(cpuSum / observations);
        long wait = Math.round(waitSum / observations);
        long cap = Duration.ofHours(Profile.MAX_HOURS).toNanos();
        return Optional.of(new Profile(Duration.ofNanos(Math.min(cpu, cap)), Duration.ofNanos(Math.min(wait, cap)),
                base.inputBytes(), base.outputBytes(), base.needsIsolation(), base.sharesState()));
    }

    private String contradiction() {
        double cpu = cpuSum / observations;
        double wait = waitSum / observations;
        double observedShare = cpu + wait == 0 ? 0 : cpu / (cpu + wait);
        double declaredShare = declared.cpuShare();
        if (declared.cpuTime().isZero() && declared.waitTime().isZero()
                || Math.abs(observedShare - declaredShare) < CONTRADICTION_SHARE) {
            return null;
        }
        String said = declaredShare < 0.5 ? "I/O" : "CPU";
        return String.format(Locale.ROOT, "%s: declared %s (CPU %s, wait %s), spent %s on CPU over %d runs "
                        + "(mean CPU %s, wait %s); placing it by what was observed", name, said,
                time(declared.cpuTime().toNanos()), time(declared.waitTime().toNanos()), percent(observedShare),
                observations, time(cpu), time(wait));
    }
}
