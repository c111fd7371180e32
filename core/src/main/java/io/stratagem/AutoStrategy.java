package io.stratagem;

import io.stratagem.internal.classify.AutoPlacer;

/**
 * A {@link Strategy} that places each submitted task on the backend the {@link Classifier} recommends for it, using
 * all three at once. Backends are created on first use and closed with this strategy.
 *
 * <ul>
 *   <li>A task with a declared {@link Task#profile()} is placed by it, weighed against what each backend already
 *       runs (a backend busy with CPU work looks slower to the next task).</li>
 *   <li>A task with no profile is <em>observed</em>: its first executions run on threads while its CPU time
 *       ({@code ThreadMXBean}, or reported back by the worker process) and wall time are measured; further tasks
 *       of the same kind ({@link Task#name()}) wait, not longer than the first execution, and are then placed by
 *       what was observed.</li>
 *   <li>A declared profile that contradicts what is observed ("declared I/O, spent 92 % on CPU") is logged once
 *       per kind at WARN and listed in {@link #report()}; tasks of that kind are then placed by what was
 *       observed.</li>
 * </ul>
 *
 * <p>Only a task that declares a profile with {@code sharesState == false} may go to the
 * {@link Backend#PROCESS_POOL}: a task with no declared profile is treated as sharing the caller's state (a captured
 * {@code AtomicLong} would silently be a copy in a worker process), however it is observed.
 *
 * <p>A task's handle is {@link TaskState#QUEUED} while it is held for observation or waits on the backend it was
 * placed on, and {@link TaskState#RUNNING} once that backend starts it; cancelling a queued task withdraws it (stage
 * {@code NOT_STARTED}, it never runs), and {@link #shutdownNow()} returns every task that had not started. One
 * exception: a task placed on the process pool is reported RUNNING from its placement, as a worker process cannot
 * say when it starts. {@link TaskContext#taskId()} is the handle's {@link TaskHandle#id()}. Closing this strategy
 * closes the backends it created.
 *
 * <p>Thread-safe, like every strategy. {@link #backend()} returns {@link Backend#GIL_THREADS}, where unknown kinds
 * are observed first; {@link #report()} says where each kind really went.
 */
public interface AutoStrategy extends Strategy {

    /** A snapshot of every task kind seen so far: declared and observed profiles, placements, contradictions. */
    PlacementReport report();

    /** The environment (cores and calibration) placements are computed for. */
    Environment environment();

    /**
     * An automatic strategy for {@code semantics} on {@code environment}; the backends it uses are created with
     * {@code new StrategyOptions(semantics, 0, Map.of())} when first needed.
     */
    static AutoStrategy create(Semantics semantics, Environment environment) {
        return AutoPlacer.withInstalledBackends(semantics, environment);
    }
}
