package dev.hearth.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's worker team: every task once, failures surface, and regions nest or overlap safely. */
class ParallelTest {

    @Test
    void runsEveryTaskExactlyOnce() {
        for (int tasks : new int[] {0, 1, 2, 3, 7, 64, 1000}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, tasks));
            for (int round = 0; round < 50; round++) {
                Parallel.forEach(tasks, runs::incrementAndGet);
            }
            for (int i = 0; i < tasks; i++) {
                assertThat(runs.get(i)).as("task %d of %d", i, tasks).isEqualTo(50);
            }
        }
    }

    @Test
    void aFailingTaskFailsTheRegionAfterTheOthersFinish() {
        AtomicIntegerArray runs = new AtomicIntegerArray(100);
        assertThatThrownBy(() -> Parallel.forEach(100, i -> {
            runs.incrementAndGet(i);
            if (i == 37) {
                throw new IllegalStateException("task 37");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("task 37");
        for (int i = 0; i < 100; i++) {
            assertThat(runs.get(i)).isEqualTo(1);
        }
        // the team is usable afterwards
        AtomicIntegerArray again = new AtomicIntegerArray(10);
        Parallel.forEach(10, again::incrementAndGet);
        assertThat(again.get(9)).isEqualTo(1);
    }

    @Test
    void nestedAndConcurrentRegionsComplete() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                results.add(callers.submit(() -> {
                    int[] sums = new int[32];
                    for (int round = 0; round < 20; round++) {
                        Parallel.forEach(32, i -> Parallel.forEach(8, j -> {
                            synchronized (sums) {
                                sums[i] += 1;
                            }
                        }));
                    }
                    return sums;
                }));
            }
            for (Future<int[]> f : results) {
                for (int s : f.get()) {
                    assertThat(s).isEqualTo(20 * 8);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
