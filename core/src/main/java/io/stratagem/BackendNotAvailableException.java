package io.stratagem;

/** Thrown by {@link Strategy#create(Backend)} when no provider for the backend is on the class path. */
public class BackendNotAvailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public BackendNotAvailableException(Backend backend) {
        super("no provider for backend " + backend + " on the class path: add the dependency io.stratagem:"
                + backend.artifactId());
    }
}
