package io.stratagem.examples;

import io.stratagem.Classifier;
import io.stratagem.Environment;
import io.stratagem.Profile;
import io.stratagem.Recommendation;
import io.stratagem.Semantics;
import io.stratagem.Workload;

import java.time.Duration;
import java.util.Map;

/**
 * The seed's rule of thumb (asyncio for I/O, threading for light CPU, multiprocessing for heavy CPU) as the
 * classifier derives it from declared profiles, with its reasons, in both worlds.
 */
public final class AskTheClassifier {

    public static void main(String[] args) {
        Map<String, Profile> profiles = new java.util.LinkedHashMap<>();
        profiles.put("API call: 1 ms CPU, 80 ms waiting", Profile.mixed(Duration.ofMillis(1), Duration.ofMillis(80)));
        profiles.put("light CPU: 3 ms CPU, 3 ms disk I/O", Profile.mixed(Duration.ofMillis(3), Duration.ofMillis(3)));
        profiles.put("heavy CPU: 500 ms, 1 KiB payload", Profile.cpu(Duration.ofMillis(500)).withPayload(1024, 1024));
        Environment env = Environment.measured(); // calibrates this machine once (about 2 s)
        Workload batch = Workload.batch(100);
        for (var e : profiles.entrySet()) {
            System.out.println(e.getKey() + ", 100 tasks at once:");
            for (Semantics world : Semantics.values()) {
                Recommendation r = Classifier.create().recommend(e.getValue(), batch, env, world);
                String why = r.reasons().stream().filter(x -> x.startsWith("Recommended")).findFirst()
                        .orElse(r.reasons().get(0));
                System.out.printf("  %-6s -> %-12s %s%n", world, r.backend(), why);
            }
        }
    }
}
