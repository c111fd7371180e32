package io.stratagem;

import java.io.Serializable;

/**
 * A function applied to each input by {@link Strategy#map}. Serializable for the same reason as {@link Task}.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface TaskFunction<I, O> extends Serializable {
    /**
     * Computes the output for one input.
     *
     * @throws Exception any failure; it fails the whole map with this exception as the cause
     */
    O apply(I input, TaskContext ctx) throws Exception;
}
