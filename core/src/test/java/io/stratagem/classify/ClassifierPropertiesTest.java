package io.stratagem.classify;

import io.stratagem.Backend;
import io.stratagem.Calibration;
import io.stratagem.Classifier;
import io.stratagem.Environment;
import io.stratagem.Profile;
import io.stratagem.Recommendation;
import io.stratagem.Semantics;
import io.stratagem.Workload;
import io.stratagem.internal.classify.CostModel;
import io.stratagem.internal.classify.Estimate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the cost model must respect for any input: determinism, the monotonicity physics demands, validation. */
class ClassifierPropertiesTest {

    private final Classifier classifier = Classifier.create();

    @Property(tries = 300)
    void recommend_isDeterministicForAGivenCalibration(@ForAll("profiles") Profile p, @ForAll("workloads") Workload w,
                                                       @ForAll("environments") Environment env,
                                                       @ForAll Semantics sem) {
        Recommendation a = classifier.recommend(p, w, env, sem);
        Recommendation b = classifier.recommend(p, w, env, sem);
        assertEquals(a, b);
        assertEquals(Backend.values().length, a.predictedMakespan().size());
        assertTrue(a.confidence() >= 0 && a.confidence() <= 1);
        assertTrue(Classifier.eligible(a.backend(), p));
    }

    @Property(tries = 300)
    void moreCpuPerTask_neverLowersAPredictedMakespan(@ForAll("profiles") Profile p, @ForAll("workloads") Workload w,
                                                      @ForAll("environments") Environment env,
                                                      @ForAll Semantics sem,
                                                      @ForAll @LongRange(min = 1, max = 500_000_000L) long extra) {
        Profile more = new Profile(p.cpuTime().plusNanos(extra), p.waitTime(), p.inputBytes(), p.outputBytes(),
                p.needsIsolation(), p.sharesState());
        Map<Backend, Duration> before = classifier.recommend(p, w, env, sem).predictedMakespan();
        Map<Backend, Duration> after = classifier.recommend(more, w, env, sem).predictedMakespan();
        for (Backend b : Backend.values()) {
            assertTrue(after.get(b).compareTo(before.get(b)) >= 0,
                    () -> b + ": " + before.get(b) + " -> " + after.get(b));
        }
    }

    @Property(tries = 300)
    void biggerPayload_neverMakesTheProcessPoolRelativelyCheaper(
            @ForAll("profiles") Profile p, @ForAll("workloads") Workload w, @ForAll("environments") Environment env,
            @ForAll Semantics sem, @ForAll @LongRange(min = 1, max = 1L << 30) long extra) {
        Profile bigger = p.withPayload(p.inputBytes() + extra, p.outputBytes());
        Map<Backend, Duration> before = classifier.recommend(p, w, env, sem).predictedMakespan();
        Map<Backend, Duration> after = classifier.recommend(bigger, w, env, sem).predictedMakespan();
        for (Backend b : Backend.values()) {
            if (b == Backend.PROCESS_POOL) {
                continue;
            }
            double was = ratio(before, b);
            double is = ratio(after, b);
            assertTrue(is >= was - 1e-9, () -> "process pool vs " + b + ": " + was + " -> " + is);
        }
    }

    @Property(tries = 500)
    void underPython_moreCpuNeverMovesAwayFromTheProcessPool(
            @ForAll("cpuFreeProfiles") Profile p, @ForAll("workloads") Workload w,
            @ForAll("environments") Environment env,
            @ForAll @LongRange(min = 1, max = 500_000_000L) long extra) {
        Profile more = new Profile(p.cpuTime().plusNanos(extra), p.waitTime(), p.inputBytes(), p.outputBytes(),
                p.needsIsolation(), p.sharesState());
        Recommendation before = classifier.recommend(p, w, env, Semantics.PYTHON);
        Recommendation after = classifier.recommend(more, w, env, Semantics.PYTHON);
        if (before.backend() == Backend.PROCESS_POOL) {
            assertEquals(Backend.PROCESS_POOL, after.backend(), () -> before.explain() + "\n--\n" + after.explain());
        }
    }

    @Property(tries = 300)
    void eachAsyncModePaysItsOwnPerTaskCost_andADearerOneNeverLowersItsPrediction(
            @ForAll("profiles") Profile p, @ForAll("workloads") Workload w, @ForAll("environments") Environment env,
            @ForAll Semantics sem, @ForAll @DoubleRange(min = 0, max = 1e6) double extra) {
        Calibration cal = env.calibration();
        String own = sem == Semantics.PYTHON ? "asyncLoopTaskNanos" : "asyncParallelTaskNanos";
        String other = sem == Semantics.PYTHON ? "asyncParallelTaskNanos" : "asyncLoopTaskNanos";
        Calibration dearer = cal.with(Map.of(own, cal.asMap().get(own) + extra));
        Calibration otherDearer = cal.with(Map.of(other, cal.asMap().get(other) + extra));
        Estimate base = CostModel.estimate(Backend.ASYNC, p, w, env.cores(), cal, sem, false);
        Estimate more = CostModel.estimate(Backend.ASYNC, p, w, env.cores(), dearer, sem, false);
        assertTrue(more.makespan() >= base.makespan(), () -> base + " -> " + more);
        // the other mode's cost is never charged to this one
        assertEquals(base.makespan(),
                CostModel.estimate(Backend.ASYNC, p, w, env.cores(), otherDearer, sem, false).makespan());
    }

    @Property(tries = 300)
    void aDearerRunStart_neverLowersAPrediction_andAWarmBackendNeverPaysIt(
            @ForAll("profiles") Profile p, @ForAll("workloads") Workload w, @ForAll("environments") Environment env,
            @ForAll Semantics sem, @ForAll @DoubleRange(min = 0, max = 10e9) double extra) {
        Calibration cal = env.calibration();
        Calibration dearer = cal.with(Map.of("threadRunStartNanos", cal.threadRunStartNanos() + extra,
                "asyncRunStartNanos", cal.asyncRunStartNanos() + extra));
        for (Backend b : Backend.values()) {
            Estimate cold = CostModel.estimate(b, p, w, env.cores(), cal, sem, false);
            Estimate warm = CostModel.estimate(b, p, w, env.cores(), cal, sem, true);
            Estimate colder = CostModel.estimate(b, p, w, env.cores(), dearer, sem, false);
            assertTrue(colder.makespan() >= cold.makespan(), () -> b + ": " + cold + " -> " + colder);
            assertTrue(warm.makespan() <= cold.makespan(), () -> b + ": " + warm + " vs " + cold);
            assertEquals(0.0, warm.startup());
            assertEquals(warm.makespan(), CostModel.estimate(b, p, w, env.cores(), dearer, sem, true).makespan());
        }
    }

    @Property(tries = 300)
    void underPython_dearerGilWaitersOrLoopResumes_neverLowerAPrediction_andTheJvmIgnoresThem(
            @ForAll("profiles") Profile p, @ForAll("workloads") Workload w, @ForAll("environments") Environment env,
            @ForAll @DoubleRange(min = 1, max = 1e6) double extra) {
        Calibration cal = env.calibration();
        Calibration dearer = cal.with(Map.of("gilWaiterSwitchNanos", cal.gilWaiterSwitchNanos() + extra,
                "loopResumeNanos", cal.loopResumeNanos() + extra));
        for (Backend b : List.of(Backend.GIL_THREADS, Backend.ASYNC)) {
            double before = CostModel.estimate(b, p, w, env.cores(), cal, Semantics.PYTHON, false).makespan();
            double after = CostModel.estimate(b, p, w, env.cores(), dearer, Semantics.PYTHON, false).makespan();
            assertTrue(after >= before, () -> b + ": " + before + " -> " + after);
        }
        for (Backend b : Backend.values()) {
            assertEquals(CostModel.estimate(b, p, w, env.cores(), cal, Semantics.JVM, false).makespan(),
                    CostModel.estimate(b, p, w, env.cores(), dearer, Semantics.JVM, false).makespan());
        }
    }

    @Property(tries = 300)
    void underPython_threadsNeverBeatTheGilOrThePool(@ForAll("profiles") Profile p,
                                                     @ForAll @IntRange(min = 1, max = 100_000) int n,
                                                     @ForAll("environments") Environment env) {
        double c = p.cpuTime().toNanos();
        double w = p.waitTime().toNanos();
        int t = Math.min(n, CostModel.defaultThreads(env.cores()));
        double predicted = CostModel.estimate(Backend.GIL_THREADS, p, Workload.batch(n), env.cores(),
                env.calibration(), Semantics.PYTHON, true).makespan();
        // the lock serializes all CPU; each thread runs its share of tasks one after another
        assertTrue(predicted >= n * c * (1 - 1e-9), () -> predicted + " < " + n * c);
        assertTrue(predicted >= Math.ceil((double) n / t) * (c + w) * (1 - 1e-9), () -> String.valueOf(predicted));
    }

    @Property(tries = 200)
    void underPython_threadsThatWaitQueueForTheGil_aboveBothTheSerialCpuAndThePoolsOverlap(
            @ForAll @LongRange(min = 1_000_000, max = 100_000_000) long cpu,
            @ForAll @IntRange(min = 1, max = 28) int cores) {
        // Balanced: each task waits (T - 1) times its CPU, so the serial CPU and the pool's overlapped waits take
        // equally long. Threads then find others queued for the lock after every wait, the more the more threads
        // compete; the closed queue puts the makespan well above both bounds (a max of the two would sit on them).
        int t = CostModel.defaultThreads(cores);
        Profile p = Profile.mixed(Duration.ofNanos(cpu), Duration.ofNanos(cpu * (t - 1)));
        int n = 20 * t;
        Calibration free = Calibration.defaults().with(Map.of("threadHandoffNanos", 0.0, "gilSwitchNanos", 0.0,
                "gilWaiterSwitchNanos", 0.0));
        double predicted = CostModel.estimate(Backend.GIL_THREADS, p, Workload.batch(n), cores, free,
                Semantics.PYTHON, true).makespan();
        double bound = n * (double) cpu;
        assertTrue(predicted >= 1.1 * bound, () -> predicted + " vs bounds " + bound);
    }

    @Property(tries = 100)
    void isolation_alwaysGoesToTheProcessPool_sharedStateNever(@ForAll("profiles") Profile p,
                                                               @ForAll("workloads") Workload w,
                                                               @ForAll("environments") Environment env,
                                                               @ForAll Semantics sem) {
        Profile plain = new Profile(p.cpuTime(), p.waitTime(), p.inputBytes(), p.outputBytes(), false, false);
        assertEquals(Backend.PROCESS_POOL, classifier.recommend(plain.isolated(), w, env, sem).backend());
        assertNotEquals(Backend.PROCESS_POOL, classifier.recommend(plain.sharingState(), w, env, sem).backend());
    }

    @Property(tries = 200)
    void invalidProfiles_areRejectedNamingTheField(@ForAll @LongRange(min = Long.MIN_VALUE, max = -1) long negative,
                                                   @ForAll @IntRange(min = 0, max = 3) int which) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            switch (which) {
                case 0 -> new Profile(Duration.ofNanos(negative), Duration.ZERO, 0, 0, false, false);
                case 1 -> new Profile(Duration.ZERO, Duration.ofNanos(negative), 0, 0, false, false);
                case 2 -> new Profile(Duration.ZERO, Duration.ZERO, negative, 0, false, false);
                default -> new Profile(Duration.ZERO, Duration.ZERO, 0, negative, false, false);
            }
        });
        String field = new String[]{"cpuTime", "waitTime", "inputBytes", "outputBytes"}[which];
        assertTrue(e.getMessage().contains(field), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Profile(Duration.ZERO, Duration.ZERO, 0, 0, true, true));
        assertThrows(IllegalArgumentException.class, () -> Profile.cpu(Duration.ofHours(Profile.MAX_HOURS + 1)));
    }

    private static double ratio(Map<Backend, Duration> m, Backend other) {
        return (double) m.get(Backend.PROCESS_POOL).toNanos() / Math.max(1, m.get(other).toNanos());
    }

    // ---- generators ---------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<Profile> profiles() {
        Arbitrary<Long> nanos = Arbitraries.oneOf(Arbitraries.just(0L),
                Arbitraries.longs().between(1_000, 2_000_000_000L));
        Arbitrary<Long> bytes = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, 64L << 20));
        return Combinators.combine(nanos, nanos, bytes, bytes, Arbitraries.integers().between(0, 5))
                .as((c, w, in, out, flags) -> new Profile(Duration.ofNanos(c), Duration.ofNanos(w), in, out,
                        flags == 1, flags == 2));
    }

    /** Profiles without the flags, which pin the recommendation whatever the CPU. */
    @Provide
    Arbitrary<Profile> cpuFreeProfiles() {
        return profiles().map(p -> new Profile(p.cpuTime(), p.waitTime(), p.inputBytes(), p.outputBytes(), false,
                false));
    }

    @Provide
    Arbitrary<Workload> workloads() {
        Arbitrary<Integer> n = Arbitraries.oneOf(Arbitraries.integers().between(1, 64),
                Arbitraries.integers().between(1, 100_000));
        Arbitrary<Workload> batch = n.map(Workload::batch);
        Arbitrary<Workload> rate = Combinators.combine(n, Arbitraries.doubles().between(0.1, 100_000))
                .as(Workload::atRate);
        return Arbitraries.oneOf(batch, rate);
    }

    /** Machines with 1 to 64 cores and plausible costs (a pipe round trip is dearer than a thread hand-off). */
    @Provide
    Arbitrary<Environment> environments() {
        Arbitrary<Calibration> cal = Combinators.combine(
                Arbitraries.doubles().between(1e3, 200e3),     // thread hand-off
                Arbitraries.doubles().between(1e3, 1e6),       // GIL switch
                Arbitraries.doubles().between(1e3, 1e6),       // async per-task cost, LOOP mode
                Arbitraries.doubles().between(10e6, 3e9),      // worker start
                Arbitraries.doubles().between(0, 10e6),        // pipe round trip above the hand-off
                Arbitraries.doubles().between(1e6, 10e9),      // pipe bandwidth
                Arbitraries.doubles().between(1e6, 10e9),      // serialization
                runCosts())
                .as((h, g, a, s, rt, bw, ser, run) -> Calibration.defaults().with(Map.of("threadHandoffNanos", h,
                        "gilSwitchNanos", g, "asyncLoopTaskNanos", a, "workerStartNanos", s,
                        "pipeRoundTripNanos", h + rt, "pipeBytesPerSecond", bw, "serializationBytesPerSecond", ser))
                        .with(run));
        return Combinators.combine(Arbitraries.integers().between(1, 64), Arbitraries.oneOf(
                Arbitraries.just(Calibration.defaults()), cal)).as(Environment::new);
    }

    /** The per-run start-ups, the GIL's cost per waiting thread and the loop's resume after a wait. */
    static Arbitrary<Map<String, Double>> runCosts() {
        return Combinators.combine(
                Arbitraries.doubles().between(0, 50e6),        // thread pool run start
                Arbitraries.doubles().between(0, 50e6),        // async run start
                Arbitraries.doubles().between(0, 200e3),       // GIL hand-over cost per further waiter
                Arbitraries.doubles().between(0, 1e6),         // taking the loop back after a wait
                Arbitraries.doubles().between(1e2, 1e6))       // async per-task cost, PARALLEL mode
                .as((t, a, gw, lr, ap) -> Map.of("threadRunStartNanos", t, "asyncRunStartNanos", a,
                        "gilWaiterSwitchNanos", gw, "loopResumeNanos", lr, "asyncParallelTaskNanos", ap));
    }
}
