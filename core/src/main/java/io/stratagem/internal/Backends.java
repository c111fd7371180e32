package io.stratagem.internal;

import io.stratagem.Backend;
import io.stratagem.BackendNotAvailableException;
import io.stratagem.spi.BackendProvider;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/** Finds backend providers with {@link ServiceLoader}. */
public final class Backends {
    private Backends() {
    }

    /** The provider of {@code backend}, or a {@link BackendNotAvailableException} naming the artifact to add. */
    public static BackendProvider provider(Backend backend) {
        Objects.requireNonNull(backend, "backend");
        return find(backend).orElseThrow(() -> new BackendNotAvailableException(backend));
    }

    /** The provider of {@code backend}, if its artifact is on the class path. */
    public static Optional<BackendProvider> find(Backend backend) {
        return Optional.ofNullable(all().get(backend));
    }

    /** Every provider on the class path, by backend (the first found wins). */
    public static Map<Backend, BackendProvider> all() {
        Map<Backend, BackendProvider> found = new EnumMap<>(Backend.class);
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, cl != null ? cl : Backends.class.getClassLoader())) {
            found.putIfAbsent(p.backend(), p);
        }
        return found;
    }
}
