package io.stratagem;

/**
 * The three places a {@link Task} can run, each modelled on one of Python's concurrency tools.
 *
 * <p>A backend is available when its artifact is on the class path; {@link Strategy#create(Backend)} finds it with
 * {@link java.util.ServiceLoader}.
 */
public enum Backend {
    /** Platform threads under an emulated CPython GIL ({@code threading}); free threads under {@link Semantics#JVM}. */
    GIL_THREADS("stratagem-gil-emulation"),
    /** An asyncio-style event loop with virtual threads ({@code asyncio}). */
    ASYNC("stratagem-async"),
    /** Worker JVMs over pipes ({@code multiprocessing}, {@code ProcessPoolExecutor}). */
    PROCESS_POOL("stratagem-process-pool");

    private final String artifactId;

    Backend(String artifactId) {
        this.artifactId = artifactId;
    }

    /** The Maven artifact ({@code io.stratagem:<artifactId>}) that provides this backend. */
    public String artifactId() {
        return artifactId;
    }
}
