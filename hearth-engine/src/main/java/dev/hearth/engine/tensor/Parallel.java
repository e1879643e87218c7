package dev.hearth.engine.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The engine's worker team: a fixed set of threads that run the tasks of one parallel region at a
 * time (a matrix product, the heads of an attention, the rows of a pass) together with the calling
 * thread. A decode step is ~120 such regions of tens of microseconds each; waking parked fork-join
 * workers for every one cost a sizeable part of the step, so the workers spin for a short while
 * after each region before they park, as llama.cpp's thread pool does.
 *
 * <p>Threads: {@code -Dhearth.engine.threads=N} in all (the caller included), by default the common
 * fork-join pool's parallelism plus the caller, at most one per processor (a spinning worker on a
 * processor the caller needs would only take time from it). One region runs at a time: a region started while
 * another runs (a second model's step, or a region inside a task) runs on its calling thread alone,
 * which changes nothing in the results, as every task's output is independent of the thread that
 * computes it.
 */
public final class Parallel {

    /** Threads of a region, the caller included. */
    public static final int THREADS = Math.max(1, Integer.getInteger("hearth.engine.threads",
            Math.min(ForkJoinPool.getCommonPoolParallelism() + 1, Runtime.getRuntime().availableProcessors())));

    /** How long an idle worker spins for the next region before it parks. */
    private static final long SPIN_NANOS = 200_000;

    private static final Parallel TEAM = new Parallel(THREADS - 1);

    private final AtomicBoolean busy = new AtomicBoolean();
    private final Thread[] workers;
    private final AtomicBoolean[] sleeping;
    private volatile Job job;
    private volatile long generation;

    private Parallel(int workerCount) {
        workers = new Thread[workerCount];
        sleeping = new AtomicBoolean[workerCount];
        for (int i = 0; i < workerCount; i++) {
            AtomicBoolean flag = new AtomicBoolean();
            sleeping[i] = flag;
            int slot = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("hearth-engine-" + slot).start(() -> loop(slot, flag));
        }
    }

    /** Runs {@code body} for every task in {@code [0, tasks)}, on the team when it is free, and returns when all are done. */
    public static void forEach(int tasks, IntConsumer body) {
        Parallel team = TEAM;
        if (tasks <= 1 || team.workers.length == 0 || !team.busy.compareAndSet(false, true)) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        try {
            team.run(tasks, body);
        } finally {
            team.busy.set(false);
        }
    }

    /**
     * One region's tasks, split into one contiguous range per thread: a thread streams through
     * neighbouring weight rows, which the hardware prefetchers follow (threads taking alternate
     * chunks from one counter measured 25% slower decode). A thread that finishes its range takes
     * what is left of the others'.
     */
    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger[] cursors;
        final int[] ends;
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(IntConsumer body, int tasks, int threads) {
            this.body = body;
            this.tasks = tasks;
            cursors = new AtomicInteger[threads];
            ends = new int[threads];
            for (int i = 0; i < threads; i++) {
                cursors[i] = new AtomicInteger((int) ((long) tasks * i / threads));
                ends[i] = (int) ((long) tasks * (i + 1) / threads);
            }
        }

        void work(int slot) {
            for (int k = 0; k < cursors.length; k++) {
                int range = (slot + k) % cursors.length;
                AtomicInteger cursor = cursors[range];
                int end = ends[range];
                int i;
                while (cursor.get() < end && (i = cursor.getAndIncrement()) < end) {
                    try {
                        body.accept(i);
                    } catch (Throwable t) {
                        failure = t;
                    } finally {
                        done.incrementAndGet();
                    }
                }
            }
        }
    }

    private void run(int tasks, IntConsumer body) {
        Job j = new Job(body, tasks, workers.length + 1);
        job = j;
        generation++; // only the thread holding busy writes it
        for (int i = 0; i < workers.length; i++) {
            if (sleeping[i].get() && sleeping[i].compareAndSet(true, false)) {
                LockSupport.unpark(workers[i]);
            }
        }
        j.work(0);
        while (j.done.get() < tasks) {
            Thread.onSpinWait();
        }
        Throwable failure = j.failure;
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    private void loop(int slot, AtomicBoolean sleepingFlag) {
        long seen = 0;
        while (true) {
            long g = generation;
            if (g != seen) {
                seen = g;
                job.work(slot);
                continue;
            }
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (generation == seen && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            if (generation != seen) {
                continue;
            }
            sleepingFlag.set(true);
            if (generation == seen) {
                LockSupport.park(this);
            }
            sleepingFlag.set(false);
        }
    }
}
