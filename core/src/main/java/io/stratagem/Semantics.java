package io.stratagem;

/**
 * Which world a strategy models.
 *
 * <ul>
 *   <li>{@link #PYTHON}: the seed document's world. Threads take turns under the GIL; the async backend runs one task
 *       at a time on its loop ({@code LOOP} mode). Use it to see and predict what a Python service would do.</li>
 *   <li>{@link #JVM}: what a Java service should use. Threads are free; the async backend spreads tasks over all
 *       carrier threads ({@code PARALLEL} mode).</li>
 * </ul>
 * The process pool behaves the same under both: separate processes are parallel in either world.
 */
public enum Semantics {
    PYTHON,
    JVM
}
