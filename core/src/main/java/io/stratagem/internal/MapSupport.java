package io.stratagem.internal;

import io.stratagem.CancellationStage;
import io.stratagem.Strategy;
import io.stratagem.Task;
import io.stratagem.TaskContext;
import io.stratagem.TaskFunction;
import io.stratagem.TaskHandle;
import io.stratagem.TaskState;
import io.stratagem.Timings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

/** {@link Strategy#map} on top of {@link Strategy#submit}: chunk tasks plus one aggregate handle. */
public final class MapSupport {
    private MapSupport() {
    }

    public static <I, O> TaskHandle<List<O>> map(Strategy strategy, TaskFunction<? super I, ? extends O> fn,
                                                 List<? extends I> inputs, int chunkSize) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(inputs, "inputs");
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be >= 1, was " + chunkSize);
        }
        List<I> copy = new ArrayList<>(inputs);
        List<TaskHandle<List<O>>> parts = new ArrayList<>((copy.size() + chunkSize - 1) / chunkSize);
        try {
            for (int from = 0; from < copy.size(); from += chunkSize) {
                ArrayList<I> chunk = new ArrayList<>(copy.subList(from, Math.min(copy.size(), from + chunkSize)));
                parts.add(strategy.submit(new ChunkTask<I, O>(fn, chunk)));
            }
        } catch (RuntimeException | Error e) {
            parts.forEach(p -> p.cancel(true));
            throw e;
        }
        return new AggregateHandle<>(parts);
    }

    /** One chunk of a map: applies the function to its inputs in order, with a checkpoint before each. */
    record ChunkTask<I, O>(TaskFunction<? super I, ? extends O> fn, ArrayList<I> inputs) implements Task<List<O>> {
        @Override
        public List<O> run(TaskContext ctx) throws Exception {
            ArrayList<O> out = new ArrayList<>(inputs.size());
            for (I in : inputs) {
                ctx.checkpoint();
                out.add(fn.apply(in, ctx));
            }
            return out;
        }

        @Override
        public String name() {
            return "map(" + DescribedTask.defaultName(fn) + ")";
        }
    }

    /**
     * The handle of a whole map. Completes when every part has succeeded (outputs concatenated in order), or when the
     * lowest failing part is known (every earlier part succeeded): it then fails with that part's cause and cancels the
     * later parts. Cancelling it cancels every part and completes once they all have ended.
     */
    static final class AggregateHandle<O> extends TaskHandle<List<O>> {
        private final List<TaskHandle<List<O>>> parts;
        private final ReentrantLock lock = new ReentrantLock();
        private int cursor; // guarded by lock: parts before it have succeeded
        private final long submittedNanos = System.nanoTime(); // only for an empty map, which has no parts
        private boolean cancelling; // guarded by lock

        AggregateHandle(List<TaskHandle<List<O>>> parts) {
            this.parts = parts;
            if (parts.isEmpty()) {
                super.complete(Collections.emptyList());
            }
            // registered after the fields are set; a part already done runs advance() here, on this thread
            for (TaskHandle<List<O>> p : parts) {
                p.whenComplete((v, e) -> advance());
            }
        }

        /**
         * Completes the handle once the outcome is known. The decision and the completion happen under {@code lock},
         * which {@link #cancel} also takes, so a map is either cancelled or completed by its parts, never both.
         */
        private void advance() {
            boolean cancelRest = false;
            lock.lock();
            try {
                if (cancelling || isDone()) {
                    return;
                }
                while (cursor < parts.size() && parts.get(cursor).isDone()) {
                    TaskHandle<List<O>> p = parts.get(cursor);
                    if (p.isCompletedExceptionally()) {
                        cancelRest = super.completeExceptionally(causeOf(p));
                        break;
                    }
                    cursor++;
                }
                if (!cancelRest && cursor == parts.size()) {
                    List<O> all = new ArrayList<>();
                    for (TaskHandle<List<O>> p : parts) {
                        all.addAll(p.join());
                    }
                    super.complete(Collections.unmodifiableList(all));
                }
            } finally {
                lock.unlock();
            }
            if (cancelRest) {
                parts.forEach(p -> p.cancel(true));
            }
        }

        private static Throwable causeOf(CompletableFuture<?> f) {
            try {
                f.join();
                throw new IllegalStateException("part completed exceptionally but joined normally");
            } catch (CompletionException e) {
                return e.getCause() != null ? e.getCause() : e;
            } catch (CancellationException e) {
                return e;
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            lock.lock();
            try {
                if (isDone()) {
                    return isCancelled();
                }
                if (cancelling) {
                    return true;
                }
                cancelling = true;
            } finally {
                lock.unlock();
            }
            parts.forEach(p -> p.cancel(mayInterruptIfRunning));
            CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).whenComplete(
                    (v, e) -> super.completeExceptionally(new CancellationException("map was cancelled")));
            return true;
        }

        @Override
        public long id() {
            return parts.isEmpty() ? -1 : parts.get(0).id();
        }

        @Override
        public String name() {
            return parts.isEmpty() ? "map" : parts.get(0).name();
        }

        @Override
        public TaskState taskState() {
            if (isDone()) {
                return isCancelled() ? TaskState.CANCELLED
                        : isCompletedExceptionally() ? TaskState.FAILED : TaskState.SUCCEEDED;
            }
            return parts.stream().allMatch(p -> p.taskState() == TaskState.QUEUED) ? TaskState.QUEUED : TaskState.RUNNING;
        }

        @Override
        public Timings timings() {
            if (parts.isEmpty()) {
                return new Timings(Duration.ZERO, Duration.ZERO, Optional.empty(), submittedNanos);
            }
            Timings first = parts.get(0).timings();
            Duration firstWait = first.queueWait();
            Duration span = Duration.ZERO;
            Duration cpu = Duration.ZERO;
            boolean cpuKnown = true;
            for (TaskHandle<List<O>> p : parts) {
                Timings t = p.timings();
                Duration end = Duration.ofNanos(t.endedNanos() - first.submittedNanos());
                if (end.compareTo(span) > 0) {
                    span = end;
                }
                if (t.cpuTime().isPresent()) {
                    cpu = cpu.plus(t.cpuTime().get());
                } else {
                    cpuKnown = false;
                }
            }
            Duration run = span.minus(firstWait);
            return new Timings(firstWait, run.isNegative() ? Duration.ZERO : run,
                    cpuKnown ? Optional.of(cpu) : Optional.empty(), first.submittedNanos());
        }

        @Override
        public Optional<CancellationStage> cancellationStage() {
            if (!isCancelled()) {
                return Optional.empty();
            }
            return parts.stream().map(p -> p.cancellationStage().orElse(CancellationStage.NOT_STARTED))
                    .max(Enum::compareTo);
        }
    }
}
