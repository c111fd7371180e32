package io.stratagem.process.internal;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader role's hand-offs between a worker's lifecycle thread and joining callers, without processes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReaderRoleTest {

    private final ReaderRole role = new ReaderRole();
    private final AtomicInteger unanswered = new AtomicInteger();

    /** The lifecycle thread waiting for its turn; completes with whether it got the role (false: the stream ended). */
    private CompletableFuture<Boolean> lifecycle() {
        CompletableFuture<Boolean> turn = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                turn.complete(role.awaitTurn(unanswered::get));
            } catch (Throwable t) {
                turn.completeExceptionally(t);
            }
        });
        return turn;
    }

    @RepeatedTest(20)
    void aFrameWrittenWhileNobodyReads_wakesTheLifecycleThread() {
        CompletableFuture<Boolean> turn = lifecycle();
        assertTrue(role.tryTake(() -> true, unanswered::get), "free while nothing is expected");
        role.release(unanswered::get);
        unanswered.incrementAndGet();
        role.wanted(unanswered.get());
        assertTrue(turn.join());
        assertFalse(role.tryTake(() -> true, unanswered::get), "the lifecycle thread holds it now");
    }

    @RepeatedTest(20)
    void aHelperGivingTheRoleBackWithAnswersExpected_wakesTheLifecycleThread() {
        assertTrue(role.tryTake(() -> true, unanswered::get));
        unanswered.incrementAndGet();
        role.wanted(unanswered.get()); // held: no wake-up needed yet
        CompletableFuture<Boolean> turn = lifecycle();
        role.release(unanswered::get);
        assertTrue(turn.join());
    }

    @RepeatedTest(20)
    void aHelperWhoseTaskWasAnsweredMeanwhile_doesNotKeepTheRole() {
        unanswered.set(1);
        assertFalse(role.tryTake(() -> false, unanswered::get), "its answer was read already: nothing to wait for");
        assertTrue(lifecycle().join(), "the role is free again, for the lifecycle thread (an answer is expected)");
    }

    @RepeatedTest(20)
    void whileCallersJoin_aLoneFrameNobodyJoins_isStillReadByTheTickingLifecycleThread() {
        assertTrue(role.tryTake(() -> true, unanswered::get), "a helper: callers are joining");
        role.release(unanswered::get);
        CompletableFuture<Boolean> turn = lifecycle();
        unanswered.incrementAndGet();
        role.wanted(unanswered.get()); // no wake-up: a joining caller would read it
        assertTrue(turn.join(), "taken within two ticks, with nobody else reading");
        assertFalse(role.tryTake(() -> true, unanswered::get));
        assertTrue(role.releaseIfIdle(0));
        unanswered.set(0);
        CompletableFuture<Boolean> next = lifecycle();
        unanswered.incrementAndGet();
        role.wanted(unanswered.get()); // callers no longer count as joining: this one wakes it
        assertTrue(next.join());
    }

    @RepeatedTest(10)
    void afterIdleTicks_theLifecycleThreadSleeps_andALoneFrameWakesIt() {
        assertTrue(role.tryTake(() -> true, unanswered::get));
        role.release(unanswered::get);
        CompletableFuture<Boolean> turn = lifecycle();
        await().atMost(Duration.ofSeconds(10)).until(role::asleep);
        assertFalse(turn.isDone());
        unanswered.incrementAndGet();
        role.wanted(unanswered.get());
        assertTrue(turn.join());
    }

    @Test
    void theLifecycleThread_keepsTheRoleWhileAnswersAreExpected_andGivesItUpOtherwise() throws IOException {
        unanswered.set(1);
        assertTrue(role.awaitTurn(unanswered::get));
        assertFalse(role.tryTake(() -> true, unanswered::get));
        assertFalse(role.releaseIfIdle(1));
        assertTrue(role.releaseIfIdle(0));
        assertTrue(role.tryTake(() -> true, unanswered::get));
    }

    @Test
    void afterTheProcessExited_theLifecycleThreadReadsToTheEnd_andNoHelperTakesOver() throws IOException {
        CompletableFuture<Boolean> turn = lifecycle();
        role.exited();
        assertTrue(turn.join(), "reads to the end although no answer is expected");
        assertFalse(role.releaseIfIdle(0));
        assertFalse(role.tryTake(() -> true, unanswered::get));
    }

    @RepeatedTest(10)
    void whatAHelperMet_isHandedToTheLifecycleThread() {
        CompletableFuture<Boolean> turn = lifecycle();
        assertTrue(role.tryTake(() -> true, unanswered::get));
        FrameException bad = new FrameException("bad frame length");
        role.handOver(bad);
        Throwable thrown = assertThrows(java.util.concurrent.CompletionException.class, turn::join).getCause();
        assertSame(bad, thrown);
        assertFalse(role.tryTake(() -> true, unanswered::get), "nobody reads after a failure but the lifecycle thread");

        ReaderRole other = new ReaderRole();
        assertTrue(other.tryTake(() -> true, unanswered::get));
        other.handOver(null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertFalse(other.awaitTurn(unanswered::get)));
    }

    /**
     * Producers raising {@code unanswered} and helpers taking and giving back the role, against a lifecycle loop that
     * "answers" one frame per turn: every frame is answered, none waits with nobody to read it.
     */
    @RepeatedTest(10)
    void underContention_everyExpectedAnswerIsRead() throws Exception {
        int frames = 20_000;
        AtomicInteger answered = new AtomicInteger();
        Thread life = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (role.awaitTurn(unanswered::get)) {
                    do { // only the holder answers
                        while (unanswered.get() > 0) {
                            unanswered.decrementAndGet();
                            answered.incrementAndGet();
                        }
                    } while (!role.releaseIfIdle(unanswered.get()));
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        CompletableFuture<?>[] helpers = new CompletableFuture<?>[2];
        for (int h = 0; h < helpers.length; h++) {
            helpers[h] = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < frames / 2; i++) {
                    unanswered.incrementAndGet();
                    role.wanted(unanswered.get());
                    if (role.tryTake(() -> true, unanswered::get)) {
                        if (unanswered.getAndUpdate(u -> u > 0 ? u - 1 : u) > 0) {
                            answered.incrementAndGet();
                        }
                        role.release(unanswered::get);
                    }
                }
            }, r -> Thread.ofPlatform().start(r));
        }
        CompletableFuture.allOf(helpers).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() == frames);
        assertEquals(0, unanswered.get());
        role.handOver(null); // the end of the stream: the lifecycle loop returns
        life.join(10_000);
        assertFalse(life.isAlive());
    }
}
