package io.stratagem;

import io.stratagem.internal.classify.Calibrator;

import java.util.Objects;

/**
 * The machine a recommendation is for: how many cores, and what its costs are. Immutable and thread-safe.
 *
 * @param cores       cores available to the tasks, in [1, {@value #MAX_CORES}]
 * @param calibration the measured (or default) costs of this machine
 */
public record Environment(int cores, Calibration calibration) {

    /** Largest core count accepted. */
    public static final int MAX_CORES = 4096;

    public Environment {
        Objects.requireNonNull(calibration, "calibration");
        if (cores < 1 || cores > MAX_CORES) {
            throw new IllegalArgumentException("cores must be between 1 and " + MAX_CORES + ", was " + cores);
        }
    }

    /** This JVM's available processors and {@link Calibration#defaults()}; measures nothing, never blocks. */
    public static Environment defaults() {
        return new Environment(Runtime.getRuntime().availableProcessors(), Calibration.defaults());
    }

    /**
     * This JVM's available processors and a calibration measured on this machine: the core probes (thread hand-off,
     * virtual-thread start, serialization) plus every {@link io.stratagem.spi.CalibrationProbe} on the class path.
     * The first call measures (blocking for at most about 2 s); later calls return the cached result at once. A probe
     * that fails leaves its constants at their defaults (logged at WARN). Thread-safe: concurrent first calls measure
     * once.
     */
    public static Environment measured() {
        return new Environment(Runtime.getRuntime().availableProcessors(), Calibrator.cached());
    }

    /** This environment with another core count. */
    public Environment withCores(int cores) {
        return new Environment(cores, calibration);
    }
}
