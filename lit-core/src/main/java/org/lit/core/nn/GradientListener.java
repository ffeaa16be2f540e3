package org.lit.core.nn;

/**
 * Told during a backward pass that a range of the flat gradient buffer ({@link ParameterSet#grads()})
 * is final: the rest of that backward will not write it. The data-parallel trainer uses it to start
 * summing finished gradients over the workers while the backward goes on, as PyTorch's DDP does.
 */
@FunctionalInterface
public interface GradientListener {
    /** Nobody listens: backward as it always was. */
    GradientListener NONE = (from, to) -> { };

    /** Elements [from, to) of the gradient buffer are final for this backward. */
    void finished(long from, long to);
}
