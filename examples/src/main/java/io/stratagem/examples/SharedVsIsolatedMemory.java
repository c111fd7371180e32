package io.stratagem.examples;

import io.stratagem.Backend;
import io.stratagem.Strategy;
import io.stratagem.Task;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The seed's "Memory" row: threads and asyncio share the caller's memory; multiprocessing isolates it (arguments
 * and results are copied through pipes). A task increments a counter the caller owns; the caller then looks.
 */
public final class SharedVsIsolatedMemory {

    public static void main(String[] args) {
        System.out.printf("%-14s %-22s %-30s%n", "backend", "caller's counter after", "the task's result is");
        for (Backend backend : Backend.values()) {
            AtomicIntegerArray counter = new AtomicIntegerArray(1);
            Task<AtomicIntegerArray> bump = ctx -> {
                counter.incrementAndGet(0);      // the same object, or a copy in another process
                return counter;
            };
            try (Strategy s = Strategy.create(backend)) {
                AtomicIntegerArray returned = s.submit(bump).join();
                System.out.printf("%-14s %-22d %-30s%n", backend, counter.get(0),
                        returned == counter ? "the caller's own object" : "a copy (value " + returned.get(0) + ")");
            }
        }
        System.out.println("\nShared memory needs no copying but needs care (locks, atomics); isolated memory is safe");
        System.out.println("from the caller's state, and every argument and result crosses a pipe.");
    }
}
