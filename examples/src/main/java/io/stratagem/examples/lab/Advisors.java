package io.stratagem.examples.lab;

import java.util.Optional;

/** Finds the advisor of the real lab: the classifier, when it is on the class path. */
final class Advisors {

    private Advisors() {
    }

    static Optional<Advisor> installed() {
        return Optional.empty();
    }
}
