package io.stratagem.examples.lab;

import io.stratagem.Semantics;

/** Where the lab gets its recommendation: the classifier in the real lab, a fixed answer in tests. */
@FunctionalInterface
public interface Advisor {

    /** The recommendation for {@code workload} under {@code semantics}, with its reasons. */
    Advice advise(LabWorkload workload, Semantics semantics);
}
