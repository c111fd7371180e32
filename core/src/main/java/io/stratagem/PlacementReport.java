package io.stratagem;

import io.stratagem.internal.classify.Units;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link AutoStrategy} has seen and decided, per task kind. An immutable snapshot.
 *
 * @param semantics the world the strategy models
 * @param kinds     one entry per task kind, in the order first seen
 */
public record PlacementReport(Semantics semantics, List<Kind> kinds) {

    public PlacementReport {
        Objects.requireNonNull(semantics, "semantics");
        kinds = List.copyOf(kinds);
    }

    /**
     * One kind of task ({@link Task#name()}).
     *
     * @param name          the kind
     * @param declared      the profile the tasks declare, if any
     * @param observed      the mean measured CPU and wait time (payload and flags copied from the declaration; with
     *                      no declaration, marked as sharing state), once at least one task of the kind has completed
     * @param observations  how many completed executions were measured
     * @param placements    how many tasks went to each backend
     * @param contradiction how the observations contradict the declaration, if they do
     */
    public record Kind(String name, Optional<Profile> declared, Optional<Profile> observed, long observations,
                       Map<Backend, Long> placements, Optional<String> contradiction) {
        public Kind {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(declared, "declared");
            Objects.requireNonNull(observed, "observed");
            Objects.requireNonNull(contradiction, "contradiction");
            placements = java.util.Collections.unmodifiableMap(new EnumMap<>(placements));
        }
    }

    /** The entry for kind {@code name}, if seen. */
    public Optional<Kind> kind(String name) {
        return kinds.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /** A table, one line per kind, for logs and examples. */
    public String format() {
        StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT, "%-28s %-22s %-22s %s%n",
                "kind", "declared cpu/wait", "observed cpu/wait (n)", "placed on"));
        for (Kind k : kinds) {
            sb.append(String.format(java.util.Locale.ROOT, "%-28s %-22s %-22s %s%n", shorten(k.name()),
                    k.declared().map(PlacementReport::cpuWait).orElse("-"),
                    k.observed().map(p -> cpuWait(p) + " (" + k.observations() + ")").orElse("-"), k.placements()));
            k.contradiction().ifPresent(c -> sb.append("    ! ").append(c).append('\n'));
        }
        return sb.toString();
    }

    private static String cpuWait(Profile p) {
        return Units.time(p.cpuTime().toNanos()) + " / " + Units.time(p.waitTime().toNanos());
    }

    private static String shorten(String name) {
        return name.length() <= 28 ? name : "…" + name.substring(name.length() - 27);
    }
}
