package io.stratagem.internal.classify;

import io.stratagem.Backend;
import io.stratagem.Classifier;
import io.stratagem.Environment;
import io.stratagem.Profile;
import io.stratagem.Semantics;
import io.stratagem.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.stratagem.internal.classify.Units.bytes;
import static io.stratagem.internal.classify.Units.percent;
import static io.stratagem.internal.classify.Units.time;

/** Writes the classifier's reasons: plain sentences tied to the numbers of the estimates. */
public final class Reasons {
    private Reasons() {
    }

    /** The reasons for choosing {@code best} over {@code runnerUp} (null if none was eligible). */
    public static List<String> explain(Profile p, Workload wl, Environment env, Semantics sem,
                                       Map<Backend, Estimate> est, Backend best, Backend runnerUp) {
        List<String> r = new ArrayList<>();
        double c = p.cpuTime().toNanos();
        double w = p.waitTime().toNanos();
        String tasks = wl.tasks() + " task(s)" + (wl.arrival() == Workload.Arrival.RATE
                ? " arriving at " + wl.ratePerSecond() + "/s" : " submitted together");
        if (c == 0 && w == 0) {
            r.add("The tasks declare neither CPU nor waiting; " + tasks + " on " + env.cores()
                    + " core(s), so per-task overhead decides.");
        } else if (c >= w) {
            r.add("CPU " + time(c) + " per task dominates (" + percent(p.cpuShare()) + " of its time, wait "
                    + time(w) + "); " + tasks + " on " + env.cores() + " core(s).");
        } else {
            r.add("Waiting " + time(w) + " per task dominates (CPU " + time(c) + ", " + percent(p.cpuShare())
                    + "); " + tasks + " on " + env.cores() + " core(s).");
        }
        double overhead = Math.min(env.calibration().threadHandoffNanos(), CostModel.asyncTaskNanos(env.calibration(), sem));
        if (c + w > 0 && c + w < 4 * overhead) {
            r.add("The tasks are short: " + time(c + w) + " of work against at least " + time(overhead)
                    + " of scheduling each, so overhead dominates.");
        }
        long payload = p.inputBytes() + p.outputBytes();
        if (payload > 0) {
            double perTask = payload / env.calibration().pipeBytesPerSecond() * 1e9;
            r.add("Payload " + bytes(payload) + " per task costs " + time(perTask) + " through a worker's pipe"
                    + " at " + bytes(env.calibration().pipeBytesPerSecond()) + "/s; in-process backends pass it"
                    + " by reference.");
        }
        if (p.needsIsolation()) {
            r.add("The task needs isolation: only the process pool runs it outside the caller's heap.");
        }
        if (p.sharesState()) {
            r.add("The task shares the caller's in-memory state: the process pool cannot reach it.");
        }
        for (Backend b : Backend.values()) {
            Estimate e = est.get(b);
            String name = switch (b) {
                case GIL_THREADS -> sem == Semantics.PYTHON ? "Threads (GIL)" : "Threads (free)";
                case ASYNC -> sem == Semantics.PYTHON ? "Async (LOOP)" : "Async (PARALLEL)";
                case PROCESS_POOL -> "Process pool";
            };
            r.add(name + ": " + e.sentence() + "; predicted " + time(e.makespan())
                    + (Classifier.eligible(b, p) ? "." : " (ruled out)."));
        }
        if (runnerUp != null) {
            double ratio = est.get(runnerUp).makespan() / Math.max(1.0, est.get(best).makespan());
            r.add(String.format(java.util.Locale.ROOT, "Recommended %s: predicted %s, %.2fx faster than %s (%s).",
                    best, time(est.get(best).makespan()), ratio, runnerUp, time(est.get(runnerUp).makespan())));
        } else {
            r.add("Recommended " + best + ": the only eligible backend; predicted " + time(est.get(best).makespan())
                    + ".");
        }
        if (!env.calibration().measured()) {
            r.add("Costs are the documented defaults, not measured on this machine (Environment.measured()).");
        }
        return r;
    }
}
